// Retention follows each province's policy (office.retentionDays, the number the candidate's privacy policy and
// face-information notice print): a province's photos and signatures lose their bytes once they are older than its
// own number of days and not before, whatever another province keeps. PGlite and (DATABASE_URL) PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPolicy } from '../../src/lib/core/policy/index.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { applyRetention } from '../../src/lib/server/services/retention.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { newIdNumber, openSession, registerCandidate, step, submitBundle } from './support.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';

let handle: TestDatabase;
let db: Db;
const DAY = 86_400_000;
const kept = {
	hubei: getPolicy('hubei').office.retentionDays,
	beijing: getPolicy('beijing').office.retentionDays
};

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
	// Two provinces with different promises (both ship 180 days).
	getPolicy('hubei').office.retentionDays = 30;
	getPolicy('beijing').office.retentionDays = 365;
});
afterAll(async () => {
	getPolicy('hubei').office.retentionDays = kept.hubei;
	getPolicy('beijing').office.retentionDays = kept.beijing;
	await handle.close();
});

async function confirmedIn(province: 'hubei' | 'beijing') {
	const candidate = await registerCandidate(
		db,
		province === 'beijing'
			? { idNumber: newIdNumber('110101'), province, examArea: '北京市东城区' }
			: { province }
	);
	const s = await openSession(db, candidate.idNumber);
	const done = await submitBundle(db, s.opened.sessionId, {
		bundle: await s.sign(s.payload([step('photo')]))
	});
	expect(done.outcome).toBe(FINAL_CHECK);
	return s.opened.sessionId;
}

const bytesLeft = async (sessionId: string) =>
	(
		await db
			.selectFrom('attachments')
			.innerJoin('outcomes', 'outcomes.id', 'attachments.outcome_id')
			.select('attachments.bytes')
			.where('outcomes.session_id', '=', sessionId)
			.execute()
	).map((a) => a.bytes !== null);

describe(`retention per province (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it("deletes each province's photos after its own policy's days, not another's", async () => {
		const hubei = await confirmedIn('hubei');
		const beijing = await confirmedIn('beijing');
		expect((await bytesLeft(hubei)).length).toBeGreaterThan(0);
		expect((await bytesLeft(beijing)).length).toBeGreaterThan(0);

		await applyRetention(db, new Date(Date.now() + 29 * DAY));
		expect(await bytesLeft(hubei)).not.toContain(false);

		await applyRetention(db, new Date(Date.now() + 31 * DAY));
		expect(await bytesLeft(hubei)).not.toContain(true);
		expect(await bytesLeft(beijing)).not.toContain(false);

		await applyRetention(db, new Date(Date.now() + 200 * DAY));
		expect(await bytesLeft(beijing)).not.toContain(false);

		await applyRetention(db, new Date(Date.now() + 366 * DAY));
		expect(await bytesLeft(beijing)).not.toContain(true);
	});
});
