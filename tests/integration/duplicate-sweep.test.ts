// The exhaustive duplicate sweep with the real face engine: a stand-in whose match the confirmation's approximate
// search did not propose is still found, both outcomes go to review once with an event each, a pair the search
// found is not flagged twice, and another province's face is left alone. A confirmation's password waits for the
// sweep and for any review a duplicate opened, and a reviewer can keep or withdraw a confirmation so held; the
// registration system hears of a confirmation only after its sweep (by poll and by webhook).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { faceCode, faceCodeText } from '../../src/lib/core/face/face-code.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { decodeEmbedding, isDuplicateFaceReason } from '../../src/lib/server/services/duplicates.ts';
import { sweepDuplicates } from '../../src/lib/server/services/duplicate-sweep.ts';
import { phoneSessionStatus } from '../../src/lib/server/services/phone-status.ts';
import { sessionStatus } from '../../src/lib/server/services/sessions.ts';
import { sendPendingPasswords } from '../../src/lib/server/services/password-jobs.ts';
import { outcomeEventsSince } from '../../src/lib/server/services/registration.ts';
import { deliverWebhooks } from '../../src/lib/server/services/webhook.ts';
import { decideReview } from '../../src/lib/server/services/review.ts';
import { kioskSessionStatus } from '../../src/lib/server/services/kiosk.ts';
import { createStaff, type StaffUser } from '../../src/lib/server/services/staff.ts';
import { outboxSender } from '../../src/lib/server/sms/outbox.ts';
import type { SubmitDeps } from '../../src/lib/server/services/submit.ts';
import { fixture } from '../support/fixtures.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { openSession, registerCandidate, step, submitBundle, testAttachments } from './support.ts';

const photo = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));
const sha256 = (x: Uint8Array) => createHash('sha256').update(x).digest('hex');
let deps: SubmitDeps;
const opened: TestDatabase[] = [];

beforeAll(() => {
	deps = { face: createFaceEngine(nodeRuntime), allowedModels: new Map() };
});
afterAll(async () => {
	for (const handle of opened) await handle.close();
});

/** A database of its own per test: the fixture face is the one every other test confirms. */
async function freshDb(): Promise<Db> {
	const handle = await testDatabase();
	opened.push(handle);
	return handle.db;
}

async function confirm(db: Db, examArea: string, province = 'hubei') {
	const c = await registerCandidate(db, {
		examArea,
		...(province === 'beijing' ? { province, address: '北京市海淀区测试路1号' } : {})
	});
	const s = await openSession(db, c.idNumber);
	const bundle = await s.sign(
		s.payload([step('photo', true)], { ...testAttachments(province), photoSha256: sha256(photo) })
	);
	const result = await submitBundle(db, s.opened.sessionId, { bundle, photo }, new Date(), deps);
	const outcome = await db
		.selectFrom('outcomes')
		.select(['id', 'candidate_id', 'admission_number'])
		.where('session_id', '=', s.opened.sessionId)
		.executeTakeFirstOrThrow();
	/** The same bundle sent again, as a phone retries: answered from what is recorded. */
	const replay = () => submitBundle(db, s.opened.sessionId, { bundle, photo }, new Date(), deps);
	/**
	 * What the candidate's PC is shown for this session (GET /api/sessions/:id/status), which the phone that
	 * recorded it (POST /api/phone/status), a kiosk watching it (GET /api/kiosk/sessions/:id) and the phone
	 * resending its bundle are answered too; the admission number is told only with a confirmation shown as such.
	 */
	const shown = async () => {
		const pc = (await sessionStatus(db, s.opened.sessionId, s.started.pcSecret)).status;
		const phone = await phoneSessionStatus(db, s.opened.sessionId, await s.status());
		const kiosk = await kioskSessionStatus(db, await adminOf(db), s.opened.sessionId);
		const { admission_number: number } = await db
			.selectFrom('outcomes')
			.select('admission_number')
			.where('id', '=', outcome.id)
			.executeTakeFirstOrThrow();
		const told = pc === 'confirmed' ? number : null;
		if (pc === 'confirmed') expect(told).toMatch(/^\d+$/);
		expect(phone).toEqual({ status: pc, ...(told ? { admissionNumber: told } : {}) });
		expect(kiosk).toMatchObject({ status: pc, admissionNumber: told });
		expect(await replay()).toEqual({
			outcome: pc,
			duplicate: true,
			...(told ? { admissionNumber: told } : {})
		});
		return pc;
	};
	return {
		result,
		replay,
		/** Drawn when recorded (the submission's answer tells it only once the sweep has cleared the face). */
		admissionNumber: outcome.admission_number ?? undefined,
		outcomeId: outcome.id,
		candidateId: outcome.candidate_id,
		idNumber: c.idNumber,
		shown
	};
}

const admins = new WeakMap<Db, Promise<StaffUser>>();
/** An admin account, which sees every session the way a kiosk operator sees those they started. */
function adminOf(db: Db): Promise<StaffUser> {
	let admin = admins.get(db);
	if (!admin) {
		admin = createStaff(db, {
			username: 'sweep-admin',
			role: 'admin',
			password: 'sweep admin password',
			province: 'all'
		});
		admins.set(db, admin);
	}
	return admin;
}

/** Each outcome's status and the outcome ids its duplicate_face reasons name. */
async function reviewState(db: Db, ids: number[]) {
	const rows = await db
		.selectFrom('outcomes')
		.select(['id', 'review_status', 'review_reasons'])
		.where('id', 'in', ids)
		.execute();
	return new Map(
		rows.map((r) => [
			r.id,
			{
				status: r.review_status,
				names: (r.review_reasons as unknown[]).filter(isDuplicateFaceReason).map((x) => x.otherOutcomeId)
			}
		])
	);
}

const eventsOf = async (db: Db, ids: number[]) =>
	(await db.selectFrom('outcome_events').select('outcome_id').where('outcome_id', 'in', ids).execute())
		.length;

/** Takes a row out of the province while `during` runs, as an approximate search that does not propose it. */
async function hidden<T>(db: Db, outcomeId: number, during: () => Promise<T>, keepCode = true): Promise<T> {
	const row = await db
		.deleteFrom('face_embeddings')
		.where('outcome_id', '=', outcomeId)
		.returning([
			'outcome_id',
			'candidate_id',
			'exam_area',
			'province',
			'vector',
			'code',
			'swept_at',
			'created_at'
		])
		.executeTakeFirstOrThrow();
	const result = await during();
	await db
		.insertInto('face_embeddings')
		.values({ ...row, code: keepCode ? row.code : null })
		.execute();
	return result;
}

/** The password SMS sent with `admissionNumber` (each confirmation's number is its own). */
async function passwordsFor(db: Db, admissionNumber: string | undefined): Promise<number> {
	expect(admissionNumber).toMatch(/^\d+$/);
	const texts = await db.selectFrom('sms_outbox').select('body').execute();
	return texts.filter((t) => t.body.includes(admissionNumber!) && t.body.includes('初始密码')).length;
}

const reviewerOf = (db: Db) =>
	createStaff(db, {
		username: 'sweep-reviewer',
		role: 'reviewer',
		password: 'sweep reviewer pass',
		province: 'hubei'
	});

const isConfirmed = async (db: Db, idNumber: string) =>
	(
		await db
			.selectFrom('candidates')
			.select('confirmed_at')
			.where('id_number', '=', idNumber)
			.executeTakeFirstOrThrow()
	).confirmed_at !== null;

/** A webhook receiver on this machine: what deliverWebhooks sends, as parsed bodies. */
async function receiver() {
	const received: { outcomeId: number; result: string; reviewStatus: string }[] = [];
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			received.push(JSON.parse(body));
			res.end('ok');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	return { received, url, close: () => server.close() };
}

describe(`duplicate sweep (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, real face engine)`, () => {
	it('finds the stand-in the search missed: both to review once, an event each; another province is left alone', async () => {
		const db = await freshDb();
		const a = await confirm(db, '十堰市');
		expect(a.result.outcome).toBe(FINAL_CHECK);
		const b = await hidden(db, a.outcomeId, () => confirm(db, '恩施土家族苗族自治州'));
		expect(b.result.outcome).toBe(FINAL_CHECK);
		const c = await confirm(db, '北京市海淀区', 'beijing');
		const events = await eventsOf(db, [a.outcomeId, b.outcomeId]);
		const eventsOfC = await eventsOf(db, [c.outcomeId]);

		// Two instances at once: the pair is flagged by one of them.
		const [one, two] = await Promise.all([sweepDuplicates(db), sweepDuplicates(db)]);
		expect(one.flagged + two.flagged).toBe(1);
		expect(one.swept + two.swept).toBe(3);

		const state = await reviewState(db, [a.outcomeId, b.outcomeId, c.outcomeId]);
		expect(state.get(a.outcomeId)).toEqual({ status: 'pending', names: [b.outcomeId] });
		expect(state.get(b.outcomeId)).toEqual({ status: 'pending', names: [a.outcomeId] });
		expect(state.get(c.outcomeId)?.names).toEqual([]);
		expect(await eventsOf(db, [a.outcomeId, b.outcomeId])).toBe(events + 2);
		expect(await eventsOf(db, [c.outcomeId])).toBe(eventsOfC);

		expect(await sweepDuplicates(db)).toEqual({ swept: 0, flagged: 0 });
	});

	it('leaves a pair the confirmation found as it is', async () => {
		const db = await freshDb();
		const a = await confirm(db, '十堰市');
		const b = await confirm(db, '恩施土家族苗族自治州');
		expect(b.result.outcome).toBe('review');
		const before = await reviewState(db, [a.outcomeId, b.outcomeId]);
		const events = await eventsOf(db, [a.outcomeId, b.outcomeId]);
		expect(await sweepDuplicates(db)).toEqual({ swept: 2, flagged: 0 });
		expect(await reviewState(db, [a.outcomeId, b.outcomeId])).toEqual(before);
		expect(await eventsOf(db, [a.outcomeId, b.outcomeId])).toBe(events);
	});

	it('compares a row recorded before the sweep existed (no code, marked swept) and fills in its code', async () => {
		const db = await freshDb();
		const a = await confirm(db, '十堰市');
		await sql`update face_embeddings set swept_at = created_at`.execute(db);
		const b = await hidden(db, a.outcomeId, () => confirm(db, '恩施土家族苗族自治州'), false);
		expect(b.result.outcome).toBe(FINAL_CHECK);
		expect(await sweepDuplicates(db)).toEqual({ swept: 1, flagged: 1 });
		const state = await reviewState(db, [a.outcomeId, b.outcomeId]);
		expect(state.get(a.outcomeId)?.names).toEqual([b.outcomeId]);
		const row = await db
			.selectFrom('face_embeddings')
			.select(['vector', 'code'])
			.where('outcome_id', '=', a.outcomeId)
			.executeTakeFirstOrThrow();
		expect(row.code).toBe(faceCodeText(faceCode(decodeEmbedding(row.vector))));
	});

	it('an earlier outcome matched by a second and a third stand-in names both (reasons are added, not replaced)', async () => {
		const db = await freshDb();
		const a = await confirm(db, '十堰市');
		const b = await confirm(db, '恩施土家族苗族自治州');
		const c = await confirm(db, '襄阳市');
		expect([b.result.outcome, c.result.outcome]).toEqual(['review', 'review']);
		const state = await reviewState(db, [a.outcomeId, c.outcomeId]);
		expect(state.get(a.outcomeId)).toEqual({ status: 'pending', names: [b.outcomeId, c.outcomeId] });
		expect(state.get(c.outcomeId)?.names.sort()).toEqual([a.outcomeId, b.outcomeId].sort());
	});

	it('a stand-in the search missed gets no password: it waits for the sweep, which holds it for the reviewer', async () => {
		const db = await freshDb();
		const sender = outboxSender(db);
		const a = await confirm(db, '十堰市');
		await sweepDuplicates(db);
		await sendPendingPasswords(db, sender);
		expect(await passwordsFor(db, a.admissionNumber)).toBe(1);

		expect(await a.shown()).toBe('confirmed');

		const b = await hidden(db, a.outcomeId, () => confirm(db, '恩施土家族苗族自治州'));
		// The submission's answer is `checking`, with no admission number: the sweep has not cleared the face.
		expect(b.result.outcome).toBe(FINAL_CHECK);
		expect(b.result.admissionNumber).toBeUndefined();
		// Not swept yet: the exhaustive search has not cleared the face, so no password leaves, and the PC is told
		// the final check is still running, not that the candidate is confirmed.
		await sendPendingPasswords(db, sender);
		expect(await passwordsFor(db, b.admissionNumber)).toBe(0);
		expect(await b.shown()).toBe('checking');
		// The stand-in's row meets the earlier one, swept before it came.
		expect(await sweepDuplicates(db)).toEqual({ swept: 1, flagged: 1 });
		await sendPendingPasswords(db, sender);
		expect(await passwordsFor(db, b.admissionNumber)).toBe(0);
		// Both are in review now, and both PCs say so.
		expect([await a.shown(), await b.shown()]).toEqual(['review', 'review']);

		// The reviewer withdraws the stand-in's confirmation and keeps the genuine one.
		const reviewer = await reviewerOf(db);
		expect(await decideReview(db, reviewer, b.outcomeId, 'reject', '冒名顶替')).toMatchObject({
			outcome: 'rejected'
		});
		expect(await isConfirmed(db, b.idNumber)).toBe(false);
		expect(await decideReview(db, reviewer, a.outcomeId, 'approve', '本人')).toEqual({
			outcome: 'confirmed',
			admissionNumber: a.admissionNumber
		});
		await sendPendingPasswords(db, sender);
		expect(await passwordsFor(db, b.admissionNumber)).toBe(0);
		expect(await passwordsFor(db, a.admissionNumber)).toBe(1);
		// The reviewer's decisions are what the PCs show: the kept confirmation, the withdrawn one.
		expect([await a.shown(), await b.shown()]).toEqual(['confirmed', 'rejected']);
		const jobs = await db
			.selectFrom('password_jobs')
			.select(['outcome_id', 'sent_at', 'last_error'])
			.execute();
		expect(jobs.find((j) => j.outcome_id === b.outcomeId)).toMatchObject({
			last_error: 'no password to send'
		});
	});

	it('the earlier confirmation a duplicate flags keeps its password until a reviewer decides: approved, it goes out once with the same number', async () => {
		const db = await freshDb();
		const sender = outboxSender(db);
		const a = await confirm(db, '十堰市');
		const b = await confirm(db, '襄阳市');
		expect(b.result.outcome).toBe('review');
		await sweepDuplicates(db);
		await sendPendingPasswords(db, sender);
		expect(await passwordsFor(db, a.admissionNumber)).toBe(0);
		// Swept, but held for the reviewer: a phone resending its bundle is told so, and not the number.
		expect(await a.replay()).toEqual({ outcome: 'review', duplicate: true });

		const reviewer = await reviewerOf(db);
		expect(await decideReview(db, reviewer, a.outcomeId, 'approve', '本人')).toEqual({
			outcome: 'confirmed',
			admissionNumber: a.admissionNumber
		});
		expect(await isConfirmed(db, a.idNumber)).toBe(true);
		await sendPendingPasswords(db, sender);
		await sendPendingPasswords(db, sender);
		expect(await passwordsFor(db, a.admissionNumber)).toBe(1);
		expect(await a.replay()).toEqual({
			outcome: 'confirmed',
			duplicate: true,
			admissionNumber: a.admissionNumber
		});
	});

	it('a flagged confirmation the reviewer rejects is withdrawn: no password, and the candidate may confirm again', async () => {
		const db = await freshDb();
		const sender = outboxSender(db);
		const a = await confirm(db, '十堰市');
		await confirm(db, '襄阳市');
		const reviewer = await reviewerOf(db);
		expect(await decideReview(db, reviewer, a.outcomeId, 'reject', '冒名顶替')).toEqual({
			outcome: 'rejected',
			admissionNumber: null
		});
		expect(await isConfirmed(db, a.idNumber)).toBe(false);
		await sweepDuplicates(db);
		await sendPendingPasswords(db, sender);
		expect(await passwordsFor(db, a.admissionNumber)).toBe(0);
		// A new session opens for the candidate (a confirmed one would be refused).
		await expect(openSession(db, a.idNumber)).resolves.toBeTruthy();
	});

	it('the registration system hears of a stand-in the search missed only after the sweep, and then as in review', async () => {
		const db = await freshDb();
		const hook = await receiver();
		try {
			const deliver = () => deliverWebhooks(db, { url: hook.url, secret: 'shared-secret', batch: 500 });
			const a = await confirm(db, '十堰市');
			await sweepDuplicates(db);
			const b = await hidden(db, a.outcomeId, () => confirm(db, '恩施土家族苗族自治州'));
			expect(b.result.outcome).toBe(FINAL_CHECK);
			const ofB = <E extends { outcomeId: number }>(events: readonly E[]) =>
				events.filter((e) => e.outcomeId === b.outcomeId);

			const before = await outcomeEventsSince(db, 0, 500);
			expect(ofB(before.events)).toEqual([]);
			expect(before.held).toBe(1);
			await deliver();
			expect(ofB(hook.received)).toEqual([]);

			expect(await sweepDuplicates(db)).toMatchObject({ flagged: 1 });
			const after = await outcomeEventsSince(db, before.next, 500);
			expect(after.held).toBe(0);
			for (const seen of [ofB(after.events), (await deliver(), ofB(hook.received))]) {
				expect(seen.length).toBeGreaterThan(0);
				for (const event of seen)
					expect(event).toMatchObject({ result: 'confirmed', reviewStatus: 'pending' });
			}
			// The genuine candidate's confirmation went at once, and its flag after the sweep.
			const ofA = hook.received.filter((e) => e.outcomeId === a.outcomeId).map((e) => e.reviewStatus);
			expect(ofA).toEqual(['none', 'pending']);
		} finally {
			hook.close();
		}
	});

	it('an earlier confirmation a duplicate flags before the registration system heard of it is first seen as in review', async () => {
		const db = await freshDb();
		const a = await confirm(db, '十堰市');
		expect((await confirm(db, '襄阳市')).result.outcome).toBe('review');
		await sweepDuplicates(db);
		const ofA = (await outcomeEventsSince(db, 0, 500)).events.filter((e) => e.outcomeId === a.outcomeId);
		expect(ofA.map((e) => e.reviewStatus)).toEqual(['pending', 'pending']);
	});
});
