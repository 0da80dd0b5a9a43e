// The office dashboard on PGlite and (DATABASE_URL) PostgreSQL: on a seeded set of sessions, every chart's figures
// equal counts computed here from the seed itself; an exam-area account cannot read another area; the CSV holds the
// chart's rows exactly.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/lib/server/csv.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import {
	chartCsv,
	dashboard,
	histogramMedian,
	scopeFor,
	type Dashboard,
	type DashboardScope
} from '../../src/lib/server/services/dashboard.ts';
import { createStaff } from '../../src/lib/server/services/staff.ts';
import { testDatabase, type TestDatabase } from './db.ts';

let handle: TestDatabase;
let db: Db;

const HOUR = 3_600_000;
const CST = 8 * HOUR;
/** 2026-03-01 00:00 China Standard Time. */
const DAY0 = Date.parse('2026-03-01T00:00:00Z') - CST;
const AREAS = ['甲考区', '乙考区'];
/** Two or three sessions each: their failed attempts add up over sessions that fall on different days. */
const CANDIDATES = 25;
const RESULTS = ['confirmed', 'review', 'failed', null] as const;
const ANDROID_WECHAT = 'Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile MicroMessenger/8.0';
const IPHONE_SAFARI =
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1';

interface Seeded {
	area: string;
	createdAt: number;
	opened: boolean;
	consented: boolean;
	result: (typeof RESULTS)[number];
	kiosk: boolean;
	recordedAt: number;
	failures: number;
	ua: string;
	reasons: string[];
	/** A reviewer's decision on a confirmed case: who (staff id) and when. */
	decidedBy: number | null;
	decidedAt: number;
	candidate: number;
}

function rng(seed: number) {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const seeded: Seeded[] = [];
const NOW = new Date(DAY0 + 3 * 24 * HOUR);
// Usernames as the staff API accepts them (ASCII): the chart labels its columns with them.
const REVIEWERS = ['reviewer-jia', 'reviewer-yi'];
const reviewerNames = new Map<number, string>();

async function seed() {
	const random = rng(20);
	const candidates: number[] = [];
	for (const name of REVIEWERS) {
		const staff = await createStaff(db, {
			username: name,
			role: 'reviewer',
			password: 'reviewer-password-1',
			province: 'hubei'
		});
		reviewerNames.set(staff.id, name);
	}
	const reviewerIds = [...reviewerNames.keys()];
	const confirmedCandidates = new Set<number>();
	for (let i = 0; i < CANDIDATES; i++) {
		const row = await db
			.insertInto('candidates')
			.values({
				id_number: `42010219900101${String(1000 + i)}`,
				name: `测试${i}`,
				sex: '男',
				ethnicity: '汉',
				birth_date: '1990-01-01',
				address: '湖北省武汉市',
				phone: '13900000000',
				major: '汉语言文学',
				exam_area: AREAS[i % 2],
				province: 'hubei'
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		candidates.push(row.id);
	}
	for (let i = 0; i < 60; i++) {
		const c = i % candidates.length;
		const createdAt = DAY0 + Math.floor(random() * 3 * 24 * HOUR);
		const opened = random() < 0.85;
		const drawn = opened ? RESULTS[Math.floor(random() * RESULTS.length)] : null;
		// A candidate is confirmed once (the database refuses a second confirmed outcome): a later session fails.
		const result = drawn === 'confirmed' && confirmedCandidates.has(c) ? 'failed' : drawn;
		if (result === 'confirmed') confirmedCandidates.add(c);
		const s: Seeded = {
			area: AREAS[c % 2],
			createdAt,
			opened,
			consented: opened && random() < 0.9,
			result,
			kiosk: result === 'confirmed' && random() < 0.3,
			recordedAt: Math.min(createdAt + Math.floor(random() * 3 * HOUR), NOW.getTime() - 1000),
			failures: opened ? Math.floor(random() * 3) : 0,
			ua: random() < 0.5 ? ANDROID_WECHAT : IPHONE_SAFARI,
			reasons: result === 'review' ? ['attempts_exhausted'] : result === 'failed' ? ['face_mismatch'] : [],
			candidate: candidates[c],
			decidedBy: null,
			decidedAt: 0
		};
		if (s.result === 'confirmed' && !s.kiosk && random() < 0.5) {
			s.decidedBy = reviewerIds[Math.floor(random() * reviewerIds.length)];
			s.decidedAt = Math.min(s.recordedAt + HOUR, NOW.getTime() - 1000);
		}
		seeded.push(s);
		const id = randomUUID();
		await db
			.insertInto('verification_sessions')
			.values({
				id,
				candidate_id: s.candidate,
				province: 'hubei',
				token_hash: randomUUID(),
				token_expires_at: new Date(createdAt + HOUR),
				pc_secret_hash: randomUUID(),
				device_public_key: s.opened ? JSON.stringify({ kty: 'EC' }) : null,
				created_at: new Date(createdAt),
				origin: s.kiosk ? 'kiosk' : 'pc'
			} as never)
			.execute();
		if (s.consented)
			await db
				.insertInto('audit_log')
				.values({
					actor: 'phone',
					action: 'consent.accepted',
					session_id: id,
					detail: '{}',
					at: new Date(createdAt + 60_000)
				} as never)
				.execute();
		for (let n = 1; n <= s.failures; n++) {
			await db
				.insertInto('failed_attempts')
				.values({
					session_id: id,
					candidate_id: s.candidate,
					attempt_no: n,
					step_kind: 'liveness',
					category: 'liveness',
					counted: true,
					bundle: '{}',
					bundle_sha256: randomUUID()
				})
				.execute();
			await db
				.insertInto('audit_log')
				.values({ actor: 'phone', action: 'attempt.failed', session_id: id, detail: '{}', user_agent: s.ua })
				.execute();
		}
		if (s.result)
			await db
				.insertInto('outcomes')
				.values({
					session_id: id,
					candidate_id: s.candidate,
					result: s.result,
					bundle: '{}',
					bundle_sha256: randomUUID(),
					recorded_at: new Date(s.recordedAt),
					review_status: s.result === 'review' ? 'pending' : s.decidedBy ? 'approved' : 'none',
					reviewed_by: s.decidedBy,
					reviewed_at: s.decidedBy ? new Date(s.decidedAt) : null,
					review_reasons: JSON.stringify(s.reasons.map((code) => ({ code, zh: `标签${code}`, en: code })))
				} as never)
				.execute();
	}
}

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
	await seed();
	// The rows went in directly: the counters are summed from them as the migration's backfill does.
	await sql`select dashboard_counts_rebuild()`.execute(db);
});
afterAll(() => handle.close());

const scope = (examArea: string | null): DashboardScope => ({
	province: 'hubei',
	examArea,
	from: new Date(DAY0),
	to: new Date(DAY0 + 3 * 24 * HOUR)
});
const chart = (figures: Dashboard, id: string) => figures.charts.find((c) => c.id === id)!;

/**
 * Candidates by their failed attempts over all their sessions (0 to 4, then 5 or more), for the candidates of the
 * scope's area whose first session started in its range: computed from the seed, not from the database.
 */
function attemptsPerCandidate(scope: DashboardScope): number[] {
	const sessions = new Map<number, Seeded[]>();
	for (const s of seeded) sessions.set(s.candidate, [...(sessions.get(s.candidate) ?? []), s]);
	const histogram = [0, 0, 0, 0, 0, 0];
	for (const own of sessions.values()) {
		const first = Math.min(...own.map((s) => s.createdAt));
		if (scope.examArea !== null && own[0].area !== scope.examArea) continue;
		if (first < scope.from.getTime() || first >= scope.to.getTime()) continue;
		histogram[
			Math.min(
				own.reduce((a, s) => a + s.failures, 0),
				5
			)
		]++;
	}
	return histogram;
}
const day = (at: number) => new Date(at + CST).toISOString().slice(0, 10);
const sum = (rows: (string | number)[][], column: number) => rows.reduce((a, r) => a + Number(r[column]), 0);

describe(`dashboard aggregates (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	for (const area of [null, AREAS[0]]) {
		it(`equals counts computed from the seed (${area ?? 'whole province'})`, async () => {
			const figures = await dashboard(db, scope(area), NOW);
			const mine = seeded.filter((s) => area === null || s.area === area);

			const perDay = chart(figures, 'per_day');
			const days = [
				...new Set(mine.flatMap((s) => [day(s.createdAt), ...(s.result ? [day(s.recordedAt)] : [])]))
			];
			expect(perDay.rows.map((r) => r[0])).toEqual(days.sort());
			for (const row of perDay.rows) {
				const on = (at: number) => day(at) === row[0];
				const outcomes = mine.filter((s) => s.result && on(s.recordedAt));
				expect(row.slice(1)).toEqual([
					mine.filter((s) => on(s.createdAt)).length,
					outcomes.filter((s) => s.result === 'confirmed' && !s.kiosk).length,
					outcomes.filter((s) => s.kiosk).length,
					outcomes.filter((s) => s.result === 'review').length,
					outcomes.filter((s) => s.result === 'failed').length
				]);
			}
			const perHour = chart(figures, 'per_hour');
			for (const column of [1, 2, 3, 4, 5]) expect(sum(perHour.rows, column)).toBe(sum(perDay.rows, column));

			expect(chart(figures, 'funnel').rows.map((r) => r[1])).toEqual([
				mine.length,
				mine.filter((s) => s.opened).length,
				mine.filter((s) => s.consented).length,
				mine.filter((s) => s.result).length,
				mine.filter((s) => s.result === 'confirmed').length
			]);

			const reasons = Object.fromEntries(chart(figures, 'reasons').rows.map((r) => [r[0], r[2]]));
			expect(reasons).toEqual(
				Object.fromEntries(
					['attempts_exhausted', 'face_mismatch']
						.map((code) => [code, mine.filter((s) => s.reasons.includes(code)).length])
						.filter(([, n]) => n)
				)
			);
			expect(chart(figures, 'reasons').rows.every((r) => r[1] === `标签${r[0]}`)).toBe(true);

			const open = mine.filter((s) => s.result === 'review');
			expect(figures.openCases).toBe(open.length);
			expect(sum(chart(figures, 'review_age').rows, 1)).toBe(open.length);
			// A case's age counts from the minute it was recorded.
			const ages = open.map((s) => (NOW.getTime() - Math.floor(s.recordedAt / 60_000) * 60_000) / HOUR);
			expect(chart(figures, 'review_age').rows.map((r) => r[1])).toEqual(
				[0, 4, 8, 12, 24, 48].map(
					(lo, i, all) => ages.filter((h) => h >= lo && h < (all[i + 1] ?? Infinity)).length
				)
			);
			expect(figures.oldestCaseHours).toBe(Math.round(Math.max(...ages) * 10) / 10);

			const perReasonDay = chart(figures, 'reasons_per_day');
			for (const [i, column] of perReasonDay.columns.slice(1).entries())
				for (const row of perReasonDay.rows)
					expect([row[0], column.key, row[i + 1]]).toEqual([
						row[0],
						column.key,
						mine.filter((s) => s.reasons.includes(column.key) && day(s.recordedAt) === row[0]).length
					]);
			expect(sum(perReasonDay.rows, 1) + sum(perReasonDay.rows, 2)).toBe(
				mine.filter((s) => s.reasons.length).length
			);

			const decided = chart(figures, 'reviewer_days');
			const byReviewer = mine.filter((s) => s.decidedBy !== null);
			// A column for each reviewer who decided something in the scope, by name.
			const deciders = [...new Set(byReviewer.map((s) => reviewerNames.get(s.decidedBy!)!))].sort();
			expect(deciders.length).toBeGreaterThan(0);
			expect(decided.columns.slice(1).map((c) => c.zh)).toEqual(deciders);
			expect(decided.rows.map((r) => r[0])).toEqual(
				[...new Set(byReviewer.map((s) => day(s.decidedAt)))].sort()
			);
			for (const row of decided.rows)
				expect(row.slice(1)).toEqual(
					deciders.map(
						(name) =>
							byReviewer.filter(
								(s) => reviewerNames.get(s.decidedBy!) === name && day(s.decidedAt) === row[0]
							).length
					)
				);

			expect(chart(figures, 'attempts').rows.map((r) => r[1])).toEqual(attemptsPerCandidate(scope(area)));

			const failing = mine.filter((s) => s.failures > 0);
			const clients = Object.fromEntries(
				chart(figures, 'clients').rows.map((r) => [`${r[0]}/${r[1]}`, r[2]])
			);
			expect(clients).toEqual(
				Object.fromEntries(
					[
						['WeChat/Android', failing.filter((s) => s.ua === ANDROID_WECHAT).length],
						['Safari/iOS', failing.filter((s) => s.ua === IPHONE_SAFARI).length]
					].filter(([, n]) => n)
				)
			);
			const consentMinutes = chart(figures, 'step_minutes').rows[0][1];
			expect(consentMinutes).toBe(mine.some((s) => s.consented) ? 1 : 0);
		});
	}

	it('counts attempts per candidate over all their sessions, on the day of their first session', async () => {
		const sessionsOf = new Map<number, number>();
		for (const s of seeded) sessionsOf.set(s.candidate, (sessionsOf.get(s.candidate) ?? 0) + 1);
		// The seed itself must make the point: candidates with several sessions, failures spread over them.
		expect(Math.min(...sessionsOf.values())).toBeGreaterThan(1);
		const spread = new Set(seeded.filter((s) => s.failures).map((s) => s.candidate));
		expect(
			[...spread].filter((c) => seeded.filter((s) => s.candidate === c && s.failures).length > 1).length
		).toBeGreaterThan(0);
		for (const area of [null, AREAS[1]]) {
			let whole = [0, 0, 0, 0, 0, 0];
			for (const d of [0, 1, 2]) {
				const oneDay: DashboardScope = {
					...scope(area),
					from: new Date(DAY0 + d * 24 * HOUR),
					to: new Date(DAY0 + (d + 1) * 24 * HOUR)
				};
				const rows = chart(await dashboard(db, oneDay, NOW), 'attempts').rows.map((r) => Number(r[1]));
				expect(rows).toEqual(attemptsPerCandidate(oneDay));
				whole = whole.map((n, i) => n + rows[i]);
			}
			// Each candidate counts once, on one day: the days add up to the whole range.
			expect(whole).toEqual(attemptsPerCandidate(scope(area)));
			expect(whole.reduce((a, b) => a + b, 0)).toBe(
				new Set(seeded.filter((s) => area === null || s.area === area).map((s) => s.candidate)).size
			);
		}
	});

	it("a histogram's median is PostgreSQL's percentile_cont(0.5) of its values", async () => {
		for (const values of [[7], [3, 1, 4, 1, 5, 9, 2, 6], [2, 2, 2, 10, 11], [0, 600, 600, 30]]) {
			const { rows } = await sql<{ median: number }>`
				select percentile_cont(0.5) within group (order by v) as median from unnest(${values}::int[]) v`.execute(db);
			const bins = [...new Set(values)].map((value) => ({
				value,
				n: values.filter((v) => v === value).length
			}));
			expect(histogramMedian(bins)).toBe(Number(rows[0].median));
		}
		expect(histogramMedian([])).toBeNull();
	});

	it('an exam-area account reads only its own area, whatever it asks for', async () => {
		const user = { id: 1, username: 'area', role: 'office' as const, province: 'hubei', examArea: AREAS[0] };
		expect(() => scopeFor(user, scope(AREAS[1]))).toThrowError(/own exam area/);
		expect(scopeFor(user, scope(null)).examArea).toBe(AREAS[0]);
		const province = { ...user, examArea: null };
		expect(scopeFor(province, scope(AREAS[1])).examArea).toBe(AREAS[1]);
	});

	it('the CSV export holds exactly the rows of the chart', async () => {
		const figures = await dashboard(db, scope(null), NOW);
		for (const c of figures.charts) {
			const [header, ...rows] = parseCsv(chartCsv(c));
			expect(header).toEqual(c.columns.map((col) => `${col.zh} ${col.en}`));
			expect(rows).toEqual(c.rows.map((r) => r.map(String)));
		}
	});
});
