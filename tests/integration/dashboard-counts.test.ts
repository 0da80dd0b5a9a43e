// The dashboard's counters as the recording paths keep them (PGlite and, with DATABASE_URL, PostgreSQL): after
// sessions started (one candidate twice), opened, consented to (twice), failed attempts up to the limit, submissions, a request for
// review, a reviewer's decision, an on-site attestation, a duplicate flag on an earlier outcome and a record moved
// to another exam area, every counter
// equals what dashboard_facts says from the rows themselves (a path that changed a fact without counting it shows
// here), and the dashboard's figures are those of the sessions driven.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { currentVersions } from '../../src/lib/core/documents/index.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { recordConsent } from '../../src/lib/server/services/consent.ts';
import { dashboard } from '../../src/lib/server/services/dashboard.ts';
import type { DashboardCount } from '../../src/lib/server/services/dashboard-counts.ts';
import { flagEarlier } from '../../src/lib/server/services/duplicates.ts';
import { reportAttempt, requestReview } from '../../src/lib/server/services/phone-requests.ts';
import { attestOnSite, decideReview } from '../../src/lib/server/services/review.ts';
import { startSession } from '../../src/lib/server/services/sessions.ts';
import { createStaff } from '../../src/lib/server/services/staff.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { openSession, registerCandidate, step, submitBundle } from './support.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';

let handle: TestDatabase;
let db: Db;

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

type Row = DashboardCount;

async function kept(): Promise<Row[]> {
	const { rows } = await sql<Row>`
		select province, metric, to_char(hour, 'YYYY-MM-DD HH24') as hour, exam_area, key, n::int as n
		from dashboard_counts where n <> 0 order by 1, 2, 3, 4, 5`.execute(db);
	return rows;
}

async function fromRows(): Promise<Row[]> {
	const { rows } = await sql<Row>`
		select province, metric, to_char(hour, 'YYYY-MM-DD HH24') as hour, exam_area, key, count(*)::int as n
		from (select province, metric, hour, exam_area, key from dashboard_facts
			union all select province, metric, hour, exam_area, key from dashboard_candidate_facts) f
		group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`.execute(db);
	return rows;
}

describe(`dashboard counters kept by the recording paths (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('equal the facts of the rows after every kind of change, and the dashboard shows them', async () => {
		const AREA = '计数考区';
		const reviewer = await createStaff(db, {
			username: 'counter-reviewer',
			role: 'reviewer',
			password: 'reviewer-password-1',
			province: 'hubei'
		});
		const operator = await createStaff(db, {
			username: 'counter-kiosk',
			role: 'kiosk',
			password: 'kiosk-password-12',
			province: 'hubei'
		});
		const register = () => registerCandidate(db, { examArea: AREA });

		// Started, then started again (the first session superseded) and failed once on the second: one candidate
		// with two sessions, counted once in attempts per candidate.
		const twice = await register();
		await startSession(db, twice.idNumber);
		const again = await openSession(db, twice.idNumber);
		await reportAttempt(db, again.opened.sessionId, await again.attempt(1, step('liveness', false)));
		expect(await kept()).toEqual(await fromRows());
		// Opened, consented twice with the same versions (counted once), confirmed.
		const confirmed = await openSession(db, (await register()).idNumber);
		await recordConsent(db, confirmed.opened.sessionId, await confirmed.consent(currentVersions()));
		await recordConsent(db, confirmed.opened.sessionId, await confirmed.consent(currentVersions()));
		const done = await submitBundle(db, confirmed.opened.sessionId, {
			bundle: await confirmed.sign(confirmed.payload([step('photo')]))
		});
		expect(done.outcome).toBe(FINAL_CHECK);
		expect(await kept()).toEqual(await fromRows());
		// One failed attempt, then a request for review, approved by a reviewer.
		const reviewed = await openSession(db, (await register()).idNumber);
		await reportAttempt(db, reviewed.opened.sessionId, await reviewed.attempt(1, step('liveness', false)));
		await requestReview(db, reviewed.opened.sessionId, await reviewed.review());
		expect(await kept()).toEqual(await fromRows());
		const outcome = await db
			.selectFrom('outcomes')
			.select('id')
			.where('session_id', '=', reviewed.opened.sessionId)
			.executeTakeFirstOrThrow();
		await decideReview(db, reviewer, outcome.id, 'approve', '人工核对一致');
		// Three failed attempts: the last ends the session (Hubei: manual review).
		const exhausted = await openSession(db, (await register()).idNumber);
		for (const n of [1, 2, 3])
			await reportAttempt(
				db,
				exhausted.opened.sessionId,
				await exhausted.attempt(n, step('liveness', false))
			);
		expect(await kept()).toEqual(await fromRows());
		// On site: a kiosk session attested by its operator.
		const kiosk = await startSession(db, (await register()).idNumber, new Date(), {
			origin: 'kiosk',
			startedBy: operator.id
		});
		await attestOnSite(db, operator, kiosk.sessionId, 'confirmed', '现场核验一致');
		// A duplicate found later sends the first confirmation back to review with a new reason.
		const first = await db
			.selectFrom('outcomes')
			.select(['id', 'candidate_id'])
			.where('session_id', '=', confirmed.opened.sessionId)
			.executeTakeFirstOrThrow();
		await db.transaction().execute((tx) =>
			flagEarlier(tx, [{ outcomeId: first.id, candidateId: first.candidate_id, similarity: 0.9 }], {
				candidateId: 1,
				outcomeId: first.id
			})
		);

		// A record moved to another exam area by the registration system takes its session's figures along.
		const moving = await register();
		await openSession(db, moving.idNumber);
		await registerCandidate(db, { ...moving, examArea: '另一考区' });

		const rows = await kept();
		expect(rows).toEqual(await fromRows());
		expect(rows.length).toBeGreaterThan(10);
		// The decided case's minute went from the table with its count (no zero rows left behind).
		const zero = await sql<{
			n: number;
		}>`select count(*)::int as n from dashboard_counts where n = 0`.execute(db);
		expect(zero.rows[0].n).toBe(0);

		const now = new Date();
		const figures = await dashboard(
			db,
			{
				province: 'hubei',
				examArea: AREA,
				from: new Date(now.getTime() - 86_400_000),
				to: new Date(now.getTime() + 3_600_000)
			},
			now
		);
		const chart = (id: string) => figures.charts.find((c) => c.id === id)!.rows;
		expect(chart('funnel').map((r) => r[1])).toEqual([6, 4, 1, 4, 3]);
		expect(chart('per_day').reduce((a, r) => a + Number(r[1]), 0)).toBe(6);
		expect(chart('reviewer_days')).toHaveLength(1);
		expect(chart('reviewer_days')[0].slice(1)).toEqual([1]);
		expect(figures.charts.find((c) => c.id === 'reviewer_days')!.columns[1].zh).toBe('counter-reviewer');
		const reasons = Object.fromEntries(chart('reasons').map((r) => [r[0], r[2]]));
		expect(reasons.duplicate_face).toBe(1);
		// The exhausted session's review and the duplicate are open; the approved request is not.
		expect(figures.openCases).toBe(2);
		// Candidates of the area (the moved one left it): confirmed and on site 0; started twice and reviewed 1;
		// exhausted 3.
		expect(chart('attempts').map((r) => r[1])).toEqual([2, 2, 0, 1, 0, 0]);
	});
});
