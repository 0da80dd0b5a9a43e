// The office dashboard's figures, summed from the hourly counters the recording transactions keep (migration 021,
// dashboard-counts.ts) for a province (one exam area, or all) and a range of China-time hours. Every chart
// is a table of counts (no name, ID number or address, nothing below the exam area), so the page draws it, shows
// it as a table and exports it as CSV from the same rows.
import type { Text } from '../../core/text.ts';
import { sql } from 'kysely';
import { chinaTime } from '../../core/china-time.ts';
import { getPolicy } from '../../core/policy/index.ts';
import type { Db } from '../db/index.ts';
import { ServiceError } from './errors.ts';
import { requireProvince, type StaffUser } from './staff.ts';

export interface DashboardScope {
	province: string;
	/** null: every exam area of the province. */
	examArea: string | null;
	from: Date;
	to: Date;
}

export interface Chart {
	id: ChartId;
	title: Text;
	/** Column keys and headings; the first column labels the row, the others are counts. */
	columns: (Text & { key: string })[];
	rows: (string | number)[][];
	/** A horizontal reference line (the review target in hours), or null. */
	target?: number | null;
}

export const CHART_IDS = [
	'per_day',
	'per_hour',
	'funnel',
	'reasons',
	'reasons_per_day',
	'review_age',
	'reviewer_days',
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

/**
 * Failed attempts per candidate over all their sessions, counted on the day of their first session (migration 031
 * caps the count at the last key).
 */
const CANDIDATE_ATTEMPT_KEYS = ['0', '1', '2', '3', '4', '5'];
/** Reasons drawn over time: the range's most frequent ones. */
const TOP_REASONS = 5;

/** The scope an account may read: its own province, and an exam-area account only its own area, whatever it asks. */
export function scopeFor(user: StaffUser, asked: DashboardScope): DashboardScope {
	requireProvince(user, asked.province);
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

interface Count {
	metric: string;
	hour: string;
	key: string;
	n: number;
}

/** The median of a histogram of whole values, as percentile_cont(0.5) gives it over the values themselves. */
export function histogramMedian(bins: readonly { value: number; n: number }[]): number | null {
	const sorted = bins.filter((b) => b.n > 0).sort((a, b) => a.value - b.value);
	const total = sorted.reduce((a, b) => a + b.n, 0);
	if (total === 0) return null;
	const at = (index: number) => {
		let seen = 0;
		for (const bin of sorted) if ((seen += bin.n) > index) return bin.value;
		return sorted[sorted.length - 1].value;
	};
	return (at(Math.floor((total - 1) / 2)) + at(Math.ceil((total - 1) / 2))) / 2;
}

/** Rows of a count table: one per label in order, one column per key, zero where nothing was counted. */
function pivot(counts: readonly Count[], labelOf: (c: Count) => string, keys: readonly string[]) {
	const byLabel = new Map<string, Map<string, number>>();
	for (const c of counts) {
		const label = labelOf(c);
		const row = byLabel.get(label) ?? new Map<string, number>();
		row.set(c.key, (row.get(c.key) ?? 0) + c.n);
		byLabel.set(label, row);
	}
	return [...byLabel.keys()]
		.sort()
		.map((label) => [label, ...keys.map((k) => byLabel.get(label)!.get(k) ?? 0)]);
}

function sumBy(counts: readonly Count[], keyOf: (c: Count) => string): Map<string, number> {
	const sums = new Map<string, number>();
	for (const c of counts) sums.set(keyOf(c), (sums.get(keyOf(c)) ?? 0) + c.n);
	return sums;
}

const total = (counts: readonly Count[], metric: string, key?: string) =>
	counts
		.filter((c) => c.metric === metric && (key === undefined || c.key === key))
		.reduce((a, c) => a + c.n, 0);

/**
 * The dashboard from the hourly counters (migration 021): sessions started in the range and what became of them,
 * outcomes, reasons and decisions recorded in it, and the review queue as it stands.
 */
export async function dashboard(db: Db, scope: DashboardScope, now = new Date()): Promise<Dashboard> {
	const policy = getPolicy(scope.province);
	const area = scope.examArea;
	const [counted, pending, areas] = await Promise.all([
		sql<Count>`
			select metric, to_char(hour, 'YYYY-MM-DD HH24:00') as hour, key, sum(n)::int as n
			from dashboard_counts
			where province = ${scope.province} and metric <> 'pending'
				and hour >= ${chinaTime(scope.from)}::timestamp and hour < ${chinaTime(scope.to)}::timestamp
				and (${area}::text is null or exam_area = ${area})
			group by metric, hour, key having sum(n) <> 0`.execute(db),
		// Open cases whenever they were recorded (to the minute), counted per age bucket in the database. A minute
		// row is one exam area's cases of that minute; rows back at zero are deleted (dashboard-counts.ts).
		sql<{ bucket: number; n: number; oldest: number }>`
			select width_bucket(age, ${AGE_BUCKETS.slice(1).map(([lo]) => lo)}::float8[]) as bucket,
				sum(n)::int as n, max(age) as oldest
			from (
				select (extract(epoch from (${chinaTime(now, true)}::timestamp
						- (hour + key::int * interval '1 minute'))) / 3600)::float8 as age, n
				from dashboard_counts
				where province = ${scope.province} and metric = 'pending' and n <> 0
					and (${area}::text is null or exam_area = ${area})
			) open
			group by 1`.execute(db),
		// The province's exam areas, one index probe each.
		sql<{ exam_area: string }>`
			with recursive a (exam_area) as (
				select min(exam_area) from candidates where province = ${scope.province}
				union all
				select (select min(c.exam_area) from candidates c
					where c.province = ${scope.province} and c.exam_area > a.exam_area)
				from a where a.exam_area is not null
			)
			select exam_area from a where exam_area is not null`.execute(db)
	]);
	const counts = counted.rows;
	const of = (metric: string) => counts.filter((c) => c.metric === metric);
	const day = (c: Count) => c.hour.slice(0, 10);

	const timeline = (labelOf: (c: Count) => string) =>
		pivot(
			counts
				.filter((c) => c.metric === 'started' || c.metric === 'outcome')
				.map((c) => (c.metric === 'started' ? { ...c, key: 'started' } : c)),
			labelOf,
			OUTCOME_COLUMNS.map((c) => c.key)
		);

	// A reason's key is its code and Chinese label ("code|label"); the chart counts by code.
	const reasonCounts = of('reason').map((c) => ({ ...c, key: c.key.split('|')[0] }));
	const labels = new Map(of('reason').map((c) => [c.key.split('|')[0], c.key.split('|').slice(1).join('|')]));
	const labelOf = (code: string) => labels.get(code) || code;
	const reasons = [...sumBy(reasonCounts, (c) => c.key)]
		.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
		.slice(0, 20)
		.map(([code, n]) => [code, labelOf(code), n]);
	const topReasons = reasons.slice(0, TOP_REASONS).map((r) => String(r[0]));

	const decided = of('decided');
	const reviewerIds = [...new Set(decided.map((c) => Number(c.key)))];
	const reviewers = reviewerIds.length
		? await db.selectFrom('staff_users').select(['id', 'username']).where('id', 'in', reviewerIds).execute()
		: [];
	const reviewerName = (id: string) => reviewers.find((r) => String(r.id) === id)?.username ?? `#${id}`;
	// In code-point order of their names: the same order on every server, whatever its locale.
	const reviewerKeys = [...new Set(decided.map((c) => c.key))].sort((a, b) =>
		reviewerName(a) < reviewerName(b) ? -1 : 1
	);

	const openCases = pending.rows.reduce((a, p) => a + p.n, 0);
	const minutes = (metric: string) => {
		const median = histogramMedian(of(metric).map((c) => ({ value: Number(c.key), n: c.n })));
		return median === null ? 0 : Math.round(median * 10) / 10;
	};
	const label = (key: string, zh: string, en: string) => ({ key, zh, en });
	const charts: Chart[] = [
		{
			id: 'per_day',
			title: { zh: '每日会话与结果', en: 'Sessions and outcomes per day' },
			columns: [label('bucket', '日期', 'Day'), ...OUTCOME_COLUMNS],
			rows: timeline(day)
		},
		{
			id: 'per_hour',
			title: { zh: '每小时会话与结果', en: 'Sessions and outcomes per hour' },
			columns: [label('bucket', '小时', 'Hour'), ...OUTCOME_COLUMNS],
			rows: timeline((c) => c.hour)
		},
		{
			id: 'funnel',
			title: { zh: '确认漏斗', en: 'Funnel' },
			columns: [label('step', '环节', 'Step'), label('sessions', '会话数', 'Sessions')],
			rows: [
				['开始 Started', total(counts, 'started')],
				['手机打开链接 Opened on the phone', total(counts, 'funnel', 'opened')],
				['同意协议 Consent given', total(counts, 'funnel', 'consented')],
				['提交结果 Result recorded', total(counts, 'funnel', 'submitted')],
				['确认 Confirmed', total(counts, 'funnel', 'confirmed')]
			]
		},
		{
			id: 'reasons',
			title: { zh: '未通过与人工审核原因', en: 'Failure and review reasons' },
			columns: [label('code', '代码', 'Code'), label('label', '原因', 'Reason'), label('n', '次数', 'Count')],
			rows: reasons
		},
		{
			id: 'reasons_per_day',
			title: { zh: '主要原因每日次数', en: 'Top reasons per day' },
			columns: [
				label('bucket', '日期', 'Day'),
				...topReasons.map((code) => label(code, labelOf(code), code))
			],
			rows: pivot(
				reasonCounts.filter((c) => topReasons.includes(c.key)),
				day,
				topReasons
			)
		},
		{
			id: 'review_age',
			title: { zh: '待审核案例等待时长', en: 'Open review cases by age' },
			columns: [label('age', '等待时长（小时）', 'Age (hours)'), label('cases', '案例数', 'Cases')],
			rows: AGE_BUCKETS.map(([lo, hi], i) => [
				hi === Infinity ? `≥${lo}` : `${lo}-${hi}`,
				pending.rows.find((p) => Number(p.bucket) === i)?.n ?? 0
			]),
			target: policy.office.reviewTargetHours
		},
		{
			id: 'reviewer_days',
			title: { zh: '每名审核员每日处理案例数', en: 'Cases decided per reviewer per day' },
			columns: [
				label('bucket', '日期', 'Day'),
				...reviewerKeys.map((id) => label(`reviewer_${id}`, reviewerName(id), reviewerName(id)))
			],
			rows: pivot(decided, day, reviewerKeys)
		},
		{
			id: 'attempts',
			title: { zh: '每名考生未通过次数', en: 'Failed attempts per candidate' },
			columns: [
				label('failures', '未通过次数（全部会话）', 'Failed attempts (all sessions)'),
				label('candidates', '考生数', 'Candidates')
			],
			rows: CANDIDATE_ATTEMPT_KEYS.map((k, i, all) => [
				i === all.length - 1 ? `≥${k}` : k,
				total(counts, 'candidate_attempts', k)
			])
		},
		{
			id: 'step_minutes',
			title: { zh: '各环节用时中位数（分钟）', en: 'Median minutes per step' },
			columns: [label('step', '环节', 'Step'), label('minutes', '分钟', 'Minutes')],
			rows: [
				['开始至同意 Start to consent', minutes('minutes_open')],
				['开始至结果 Start to result', minutes('minutes_result')]
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
			rows: [...sumBy(of('client'), (c) => c.key)]
				.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
				.map(([family, n]) => [...family.split('/'), n])
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
		examAreas: areas.rows.map((a) => a.exam_area),
		openCases,
		oldestCaseHours: openCases
			? Math.round(Math.max(...pending.rows.map((p) => Number(p.oldest))) * 10) / 10
			: null,
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
