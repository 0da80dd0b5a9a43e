// The office dashboard's queries over a registration window of synthetic sessions on PostgreSQL (DATABASE_URL, or
// the throwaway server of tests/support/postgres.sh) or PGlite (ZV_BENCH_DB=pglite): the counters' backfill, then
// the whole dashboard (every query, as the page asks for it) for the province and for one exam area, over a 7-day
// range, p50/p95 of ZV_BENCH_RUNS runs.
//   npm run bench -- dashboard      (ZV_BENCH_SESSIONS=1000000; ZV_BENCH_DB=pglite for the embedded database)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { Database } from '../../src/lib/server/db/schema.ts';
import { dashboard, type DashboardScope } from '../../src/lib/server/services/dashboard.ts';

const SESSIONS = Number(process.env.ZV_BENCH_SESSIONS ?? 1_000_000);
const RUNS = Number(process.env.ZV_BENCH_RUNS ?? 20);
const AREAS = 20;
const DAY = 86_400_000;
const NOW = new Date(Date.parse('2026-06-15T00:00:00Z'));

async function migrate(db: Kysely<Database>): Promise<void> {
	const dir = 'src/lib/server/db/migrations';
	for (const file of readdirSync(dir).sort())
		await sql.raw(readFileSync(join(dir, file), 'utf8')).execute(db);
}

/**
 * A 14-day window of sessions over 20 exam areas: outcomes (eight reason codes), open and decided review cases,
 * failed attempts, consent rows.
 */
async function generate(db: Kysely<Database>): Promise<void> {
	const candidates = Math.ceil(SESSIONS / 4);
	const start = new Date(NOW.getTime() - 14 * DAY).toISOString();
	await sql
		.raw(
			`insert into candidates (id_number, name, sex, ethnicity, birth_date, address, phone, major, exam_area, province)
		 select 'B' || i, 'n', '男', '汉', '1990-01-01', 'a', '13900000000', 'm', '考区' || (i % ${AREAS}), 'fujian'
		 from generate_series(1, ${candidates}) i`
		)
		.execute(db);
	await sql
		.raw(
			`insert into verification_sessions (id, candidate_id, province, token_hash, token_expires_at, pc_secret_hash,
			device_public_key, created_at, origin)
		 select gen_random_uuid(), 1 + (i % ${candidates}) + (select min(id) - 1 from candidates where id_number like 'B%'),
			'fujian', md5(i::text), now(), 'x',
			case when random() < 0.85 then '{"kty":"EC"}'::jsonb end,
			'${start}'::timestamptz + random() * interval '14 days',
			case when random() < 0.03 then 'kiosk' else 'pc' end
		 from generate_series(1, ${SESSIONS}) i`
		)
		.execute(db);
	await sql
		.raw(
			`insert into outcomes (session_id, candidate_id, result, bundle, bundle_sha256, recorded_at, review_status, review_reasons)
		 select id, candidate_id, r, '{}', md5(id::text), created_at + random() * interval '30 minutes',
			case when r = 'review' and random() < 0.2 then 'pending' else 'none' end,
			case when r in ('review', 'failed') then jsonb_build_array(jsonb_build_object('code',
				(array['attempts_exhausted','face_mismatch','liveness_failed','photo_background','idcard_recapture',
					'identity_mismatch','photo_blur','duplicate_face'])[1 + floor(random() * 8)::int],
				'zh', '原因', 'en', 'x')) else '[]'::jsonb end
		 from (select id, candidate_id, created_at,
			-- A candidate is confirmed once (the database refuses more): a later confirmation drawn fails instead.
			case when d = 'confirmed' and count(*) filter (where d = 'confirmed')
				over (partition by candidate_id order by created_at, id rows unbounded preceding) > 1
				then 'failed' else d end as r
			from (select id, candidate_id, created_at,
				(array['confirmed','confirmed','confirmed','review','failed'])[1 + floor(random() * 5)::int] as d
				from verification_sessions where device_public_key is not null and random() < 0.8) drawn) s`
		)
		.execute(db);
	// Decided review cases: approved by one of 12 reviewers about two hours after they were recorded.
	await sql
		.raw(
			`update outcomes set result = 'confirmed', review_status = 'approved', reviewed_by = 1 + id % 12,
			reviewed_at = recorded_at + random() * interval '4 hours'
		 where id in (
			select distinct on (candidate_id) id from outcomes o
			where result = 'review' and review_status = 'none' and random() < 0.7
			  and not exists (select 1 from outcomes c where c.candidate_id = o.candidate_id and c.result = 'confirmed')
			order by candidate_id, id)`
		)
		.execute(db);
	await sql
		.raw(
			`insert into failed_attempts (session_id, candidate_id, attempt_no, step_kind, category, counted, bundle, bundle_sha256)
		 select id, candidate_id, 1, 'liveness', 'liveness', true, '{}', md5('f' || id::text)
		 from verification_sessions where device_public_key is not null and random() < 0.3`
		)
		.execute(db);
	await sql
		.raw(
			`insert into audit_log (actor, action, session_id, detail, at, user_agent)
		 select 'phone', 'consent.accepted', id, '{}'::jsonb, created_at + interval '1 minute', null
		 from verification_sessions where device_public_key is not null and random() < 0.95
		 union all
		 select 'phone', 'attempt.failed', session_id, '{}'::jsonb, recorded_at,
			case when random() < 0.5 then 'Mozilla/5.0 (Linux; Android 14) Chrome/120 MicroMessenger/8.0'
				else 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1' end
		 from failed_attempts`
		)
		.execute(db);
	await sql.raw('analyze').execute(db);
}

const percentile = (values: number[], p: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** ZV_BENCH_DB=pglite: the embedded database (in memory, one connection) instead of PostgreSQL. */
const ENGINE = process.env.ZV_BENCH_DB === 'pglite' ? 'PGlite' : 'PostgreSQL';
let pool: pg.Pool;
let cleanup: () => Promise<void>;
if (ENGINE === 'PGlite') {
	const lite = new PGlite('memory://');
	await lite.waitReady;
	// As the server opens it (db/index.ts): node-postgres over PGlite's protocol, one connection.
	pool = new pg.Pool({ ...createPgConfig(lite), max: 1, idleTimeoutMillis: 0 });
	cleanup = () => lite.close();
} else {
	let url = process.env.DATABASE_URL;
	if (!url) url = execFileSync('bash', ['tests/support/postgres.sh'], { encoding: 'utf8' }).trim();
	const schema = `zv_bench_dash_${Date.now()}`;
	const admin = new pg.Client({ connectionString: url });
	await admin.connect();
	await admin.query(`create schema ${schema}`);
	const scoped = new URL(url);
	scoped.searchParams.set('options', `-c search_path=${schema}`);
	// As the server's pool: several connections, so the dashboard's queries run side by side.
	pool = new pg.Pool({ connectionString: scoped.toString(), max: 10 });
	cleanup = async () => {
		await admin.query(`drop schema ${schema} cascade`);
		await admin.end();
	};
}
/** Each query of the dashboard, named from its SQL (they run side by side, so each time includes the others'). */
function chartOf(text: string): string {
	if (text.includes("metric = 'pending'")) return 'review_age (open cases)';
	if (text.includes('from dashboard_counts')) return 'counters (every other chart)';
	if (text.includes('with recursive')) return 'exam_areas';
	if (text.includes('staff_users')) return 'reviewer names';
	return 'other';
}
let perChart: Map<string, number[]> | null = null;
let backfillMs = 0;
let counterRows = 0;
const db = new Kysely<Database>({
	dialect: new PostgresDialect({ pool }),
	log: (event) => {
		if (!perChart || event.level !== 'query') return;
		const name = chartOf(event.query.sql);
		perChart.set(name, [...(perChart.get(name) ?? []), event.queryDurationMillis]);
	}
});
const rows: {
	scope: string;
	chart: string;
	sessionsInRange: number;
	p50Ms: number;
	p95Ms: number;
	maxMs: number;
}[] = [];
try {
	await migrate(db);
	const generated = performance.now();
	await generate(db);
	console.log(`generated ${SESSIONS} sessions in ${Math.round((performance.now() - generated) / 1000)} s`);
	// The rows went in directly: the counters are summed as the migration's backfill sums them.
	const rebuilt = performance.now();
	await sql`select dashboard_counts_rebuild()`.execute(db);
	await sql.raw('analyze dashboard_counts').execute(db);
	backfillMs = Math.round(performance.now() - rebuilt);
	counterRows = Number(
		(await sql<{ n: string }>`select count(*) as n from dashboard_counts`.execute(db)).rows[0].n
	);
	console.log(`backfill: ${counterRows} counter rows in ${backfillMs} ms`);
	const range = { province: 'fujian', from: new Date(NOW.getTime() - 7 * DAY), to: NOW };
	for (const [label, scope] of [
		['province', { ...range, examArea: null }],
		['one exam area', { ...range, examArea: '考区3' }]
	] as [string, DashboardScope][]) {
		const times: number[] = [];
		let inRange = 0;
		for (let run = 0; run < RUNS + 2; run++) {
			// Two warm-up runs are not counted.
			if (run === 2) perChart = new Map();
			const t0 = performance.now();
			const figures = await dashboard(db, scope, NOW);
			const ms = performance.now() - t0;
			if (run >= 2) times.push(ms);
			inRange = Number(figures.charts.find((c) => c.id === 'funnel')!.rows[0][1]);
		}
		const summary = (chart: string, values: number[]) => ({
			scope: label,
			chart,
			sessionsInRange: inRange,
			p50Ms: Math.round(percentile(values, 50)),
			p95Ms: Math.round(percentile(values, 95)),
			maxMs: Math.round(Math.max(...values))
		});
		rows.push(summary('(all, one request)', times));
		for (const [chart, values] of [...perChart!.entries()].sort()) rows.push(summary(chart, values));
		perChart = null;
	}
} finally {
	await db.destroy();
	await cleanup();
}

console.log(
	`\nDashboard, all charts at once, ${ENGINE}, ${SESSIONS} sessions, ${cpus().length} CPUs, ${RUNS} runs`
);
console.log(`backfill (dashboard_counts_rebuild): ${backfillMs} ms, ${counterRows} counter rows`);
console.log('scope            query                          sessions in range   p50 ms   p95 ms   max ms');
for (const r of rows)
	console.log(
		`${r.scope.padEnd(16)} ${r.chart.padEnd(30)} ${String(r.sessionsInRange).padStart(17)} ${String(r.p50Ms).padStart(8)} ${String(r.p95Ms).padStart(8)} ${String(r.maxMs).padStart(8)}`
	);
console.log(`load average (1 min): ${loadavg()[0].toFixed(1)}`);
mkdirSync('bench/out', { recursive: true });
writeFileSync(
	`bench/out/dashboard${ENGINE === 'PGlite' ? '-pglite' : ''}.json`,
	JSON.stringify(
		{
			at: new Date().toISOString(),
			engine: ENGINE,
			cpus: cpus().length,
			load: loadavg()[0],
			sessions: SESSIONS,
			runs: RUNS,
			backfillMs,
			counterRows,
			rows
		},
		null,
		2
	)
);
console.log(`wrote bench/out/dashboard${ENGINE === 'PGlite' ? '-pglite' : ''}.json`);
