// The office dashboard's figures: SQL aggregates over the sessions a province started in a time range (one exam
// area, or all), their outcomes, failed attempts and audit rows, and the review queue as it stands. Every chart
// is a table of counts (no name, ID number or address, nothing below the exam area), so the page draws it, shows
// it as a table and exports it as CSV from the same rows.
import { sql, type RawBuilder } from 'kysely';
import { getPolicy } from '../../core/policy/index.ts';
import type { Db } from '../db/index.ts';
import { ServiceError } from './errors.ts';
import type { StaffUser } from './staff.ts';

export interface DashboardScope {
	province: string;
	/** null: every exam area of the province. */
	examArea: string | null;
	from: Date;
	to: Date;
}

export interface Chart {
	id: ChartId;
	title: { zh: string; en: string };
	/** Column keys and headings; the first column labels the row, the others are counts. */
	columns: { key: string; zh: string; en: string }[];
	rows: (string | number)[][];
	/** A horizontal reference line (the review target in hours), or null. */
	target?: number | null;
}

export const CHART_IDS = [
	'per_day',
	'per_hour',
	'funnel',
	'reasons',
	'review_age',
	'attempts',
	'step_minutes',
	'clients'
] as const;
export type ChartId = (typeof CHART_IDS)[number];

export interface Dashboard {
	scope: { province: string; examArea: string | null; from: string; to: string };
	computedAt: string;
	examAreas: string[];
	openCases: number;
	oldestCaseHours: number | null;
	charts: Chart[];
}

const OUTCOME_COLUMNS = [
	{ key: 'started', zh: '开始', en: 'Started' },
	{ key: 'confirmed', zh: '已确认', en: 'Confirmed' },
	{ key: 'on_site', zh: '现场确认', en: 'Confirmed on site' },
	{ key: 'review', zh: '转人工审核', en: 'Sent to review' },
	{ key: 'failed', zh: '未通过', en: 'Failed' }
];

/** Age buckets of open review cases, in hours: [from, to). */
const AGE_BUCKETS: [number, number][] = [
	[0, 4],
	[4, 8],
	[8, 12],
	[12, 24],
	[24, 48],
	[48, Infinity]
];

/** China Standard Time has no daylight saving: buckets are UTC + 8 h, truncated. */
const cst = (column: RawBuilder<unknown>) => sql`(${column} at time zone 'UTC') + interval '8 hours'`;

/** The scope an account may read: an exam-area account only its own area, whatever it asks. */
export function scopeFor(user: StaffUser, asked: DashboardScope): DashboardScope {
	if (user.examArea) {
		if (asked.examArea && asked.examArea !== user.examArea)
			throw new ServiceError(
				403,
				'other_exam_area',
				'无权查看其他考区的数据',
				'Your account reads only its own exam area.'
			);
		return { ...asked, examArea: user.examArea };
	}
	return asked;
}

export async function dashboard(db: Db, scope: DashboardScope, now = new Date()): Promise<Dashboard> {
	const policy = getPolicy(scope.province);
	// The sessions in scope: started in the range by a candidate of the province (and area).
	const inScope = sql`
		select s.id, s.created_at, s.origin, s.device_public_key is not null as opened
		from verification_sessions s join candidates c on c.id = s.candidate_id
		where s.province = ${scope.province} and s.created_at >= ${scope.from} and s.created_at < ${scope.to}
			and (${scope.examArea}::text is null or c.exam_area = ${scope.examArea})`;
	const run = async <T>(query: RawBuilder<T>) => (await query.execute(db)).rows;

	const timeline = (unit: 'day' | 'hour') => sql<{
		bucket: string;
		started: string;
		confirmed: string;
		on_site: string;
		review: string;
		failed: string;
	}>`
		with s as (${inScope}),
		events as (
			select date_trunc(${unit}, ${cst(sql`s.created_at`)}) as bucket, 'started' as kind from s
			union all
			select date_trunc(${unit}, ${cst(sql`o.recorded_at`)}),
				case when o.result = 'confirmed' and s.origin = 'kiosk' then 'on_site' else o.result end
			from s join outcomes o on o.session_id = s.id
		)
		select to_char(bucket, ${unit === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM-DD HH24:00'}) as bucket,
			count(*) filter (where kind = 'started') as started,
			count(*) filter (where kind = 'confirmed') as confirmed,
			count(*) filter (where kind = 'on_site') as on_site,
			count(*) filter (where kind = 'review') as review,
			count(*) filter (where kind in ('failed', 'rejected')) as failed
		from events group by bucket order by bucket`;

	const [perDay, perHour, funnel, reasons, review, attempts, minutes, clients, areas] = await Promise.all([
		run(timeline('day')),
		run(timeline('hour')),
		run(sql<{ started: string; opened: string; consented: string; submitted: string; confirmed: string }>`
			with s as (${inScope})
			select count(*) as started,
				count(*) filter (where s.opened) as opened,
				count(*) filter (where exists (select 1 from audit_log a
					where a.action = 'consent.accepted' and a.session_id = s.id)) as consented,
				count(o.id) as submitted,
				count(o.id) filter (where o.result = 'confirmed') as confirmed
			from s left join outcomes o on o.session_id = s.id`),
		run(sql<{ code: string; label: string; n: string }>`
			with s as (${inScope})
			select r.value->>'code' as code, min(r.value->>'zh') as label, count(*) as n
			from s join outcomes o on o.session_id = s.id
				cross join lateral jsonb_array_elements(o.review_reasons) r
			where o.result in ('review', 'failed', 'rejected')
			group by 1 order by n desc, code limit 20`),
		run(sql<{ hours: number }>`
			select extract(epoch from (${now}::timestamptz - o.recorded_at)) / 3600 as hours
			from outcomes o join candidates c on c.id = o.candidate_id
				join verification_sessions s on s.id = o.session_id
			where o.review_status = 'pending' and s.province = ${scope.province}
				and (${scope.examArea}::text is null or c.exam_area = ${scope.examArea})`),
		run(sql<{ failures: number; candidates: string }>`
			with s as (${inScope}),
			per as (
				select vs.candidate_id, count(f.id) as failures
				from s join verification_sessions vs on vs.id = s.id
					left join failed_attempts f on f.session_id = s.id
				group by vs.candidate_id
			)
			select least(failures, 3)::int as failures, count(*) as candidates from per group by 1 order by 1`),
		run(sql<{ step: string; median: number | null }>`
			with s as (${inScope}),
			steps as (
				select 'open' as step, extract(epoch from (min(a.at) - s.created_at)) / 60 as minutes
				from s join audit_log a on a.session_id = s.id and a.action = 'consent.accepted'
				group by s.id, s.created_at
				union all
				select 'result', extract(epoch from (o.recorded_at - s.created_at)) / 60
				from s join outcomes o on o.session_id = s.id
			)
			select step, percentile_cont(0.5) within group (order by minutes) as median
			from steps group by step`),
		run(sql<{ browser: string; os: string; n: string }>`
			with s as (${inScope}),
			failing as (
				select distinct on (a.session_id) a.session_id, coalesce(a.user_agent, '') as ua
				from s join audit_log a on a.session_id = s.id and a.action = 'attempt.failed'
				order by a.session_id, a.id
			)
			select
				case when ua ilike '%MicroMessenger%' then 'WeChat'
					when ua ilike '%AlipayClient%' then 'Alipay'
					when ua ilike '%Firefox/%' then 'Firefox'
					when ua ilike '%Edg/%' then 'Edge'
					when ua ilike '%Chrome/%' then 'Chrome'
					when ua ilike '%Safari/%' then 'Safari'
					else 'other' end as browser,
				case when ua ilike '%Android%' then 'Android'
					when ua ilike '%iPhone%' or ua ilike '%iPad%' then 'iOS'
					when ua ilike '%HarmonyOS%' then 'HarmonyOS'
					when ua ilike '%Windows%' then 'Windows'
					when ua ilike '%Mac OS X%' then 'macOS'
					when ua ilike '%Linux%' then 'Linux'
					else 'other' end as os,
				count(*) as n
			from failing group by 1, 2 order by n desc, 1, 2`),
		run(sql<{ exam_area: string }>`
			select distinct exam_area from candidates where province = ${scope.province} order by exam_area`)
	]);

	const n = (value: unknown) => Number(value ?? 0);
	const outcomeRows = (rows: typeof perDay) =>
		rows.map((r) => [r.bucket, n(r.started), n(r.confirmed), n(r.on_site), n(r.review), n(r.failed)]);
	const f = funnel[0];
	const median = (step: string) => {
		const value = minutes.find((m) => m.step === step)?.median;
		return value === null || value === undefined ? 0 : Math.round(Number(value) * 10) / 10;
	};
	const ages = review.map((r) => Number(r.hours));
	const label = (key: string, zh: string, en: string) => ({ key, zh, en });
	const charts: Chart[] = [
		{
			id: 'per_day',
			title: { zh: '每日会话与结果', en: 'Sessions and outcomes per day' },
			columns: [label('bucket', '日期', 'Day'), ...OUTCOME_COLUMNS],
			rows: outcomeRows(perDay)
		},
		{
			id: 'per_hour',
			title: { zh: '每小时会话与结果', en: 'Sessions and outcomes per hour' },
			columns: [label('bucket', '小时', 'Hour'), ...OUTCOME_COLUMNS],
			rows: outcomeRows(perHour)
		},
		{
			id: 'funnel',
			title: { zh: '确认漏斗', en: 'Funnel' },
			columns: [label('step', '环节', 'Step'), label('sessions', '会话数', 'Sessions')],
			rows: [
				['开始 Started', n(f?.started)],
				['手机打开链接 Opened on the phone', n(f?.opened)],
				['同意协议 Consent given', n(f?.consented)],
				['提交结果 Result recorded', n(f?.submitted)],
				['确认 Confirmed', n(f?.confirmed)]
			]
		},
		{
			id: 'reasons',
			title: { zh: '未通过与人工审核原因', en: 'Failure and review reasons' },
			columns: [label('code', '代码', 'Code'), label('label', '原因', 'Reason'), label('n', '次数', 'Count')],
			rows: reasons.map((r) => [r.code, r.label ?? r.code, n(r.n)])
		},
		{
			id: 'review_age',
			title: { zh: '待审核案例等待时长', en: 'Open review cases by age' },
			columns: [label('age', '等待时长（小时）', 'Age (hours)'), label('cases', '案例数', 'Cases')],
			rows: AGE_BUCKETS.map(([lo, hi]) => [
				hi === Infinity ? `≥${lo}` : `${lo}-${hi}`,
				ages.filter((h) => h >= lo && h < hi).length
			]),
			target: policy.office.reviewTargetHours
		},
		{
			id: 'attempts',
			title: { zh: '每名考生未通过次数', en: 'Failed attempts per candidate' },
			columns: [
				label('failures', '未通过次数', 'Failed attempts'),
				label('candidates', '考生数', 'Candidates')
			],
			rows: [0, 1, 2, 3].map((k) => [
				k === 3 ? '≥3' : String(k),
				n(attempts.find((a) => Number(a.failures) === k)?.candidates)
			])
		},
		{
			id: 'step_minutes',
			title: { zh: '各环节用时中位数（分钟）', en: 'Median minutes per step' },
			columns: [label('step', '环节', 'Step'), label('minutes', '分钟', 'Minutes')],
			rows: [
				['开始至同意 Start to consent', median('open')],
				['开始至结果 Start to result', median('result')]
			]
		},
		{
			id: 'clients',
			title: { zh: '未通过会话的浏览器与系统', en: 'Browser and OS of failing sessions' },
			columns: [
				label('browser', '浏览器', 'Browser'),
				label('os', '系统', 'OS'),
				label('sessions', '会话数', 'Sessions')
			],
			rows: clients.map((c) => [c.browser, c.os, n(c.n)])
		}
	];
	return {
		scope: {
			province: scope.province,
			examArea: scope.examArea,
			from: scope.from.toISOString(),
			to: scope.to.toISOString()
		},
		computedAt: now.toISOString(),
		examAreas: areas.map((a) => a.exam_area),
		openCases: ages.length,
		oldestCaseHours: ages.length ? Math.round(Math.max(...ages) * 10) / 10 : null,
		charts
	};
}

/** A chart's rows as CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs read the Chinese). */
export function chartCsv(chart: Chart): string {
	const cell = (value: string | number) => {
		const text = String(value);
		return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
	};
	const header = chart.columns.map((c) => `${c.zh} ${c.en}`);
	return '\uFEFF' + [header, ...chart.rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
