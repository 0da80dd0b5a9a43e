// Hubei's one-time password is drawn, hashed and sent by a job in the database after the outcome is recorded, not
// in the request: the request only records the confirmation and a job row in the same statement. A server that dies
// after the commit loses nothing (another instance or the restarted one sends it), and two instances working the same
// queue send each candidate exactly one password, the one whose hash is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, DatabaseHandle } from '../../src/lib/server/db/index.ts';
import { verifyPassword } from '../../src/lib/server/passwords.ts';
import {
	claimPasswordJobs,
	PASSWORD_JOB_LEASE_MS,
	PASSWORD_JOB_RETRY_MS,
	sendPendingPasswords
} from '../../src/lib/server/services/password-jobs.ts';
import type { SubmitDeps } from '../../src/lib/server/services/submit.ts';
import { outboxSender } from '../../src/lib/server/sms/outbox.ts';
import type { SmsSender } from '../../src/lib/server/sms/types.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { openSession, registerCandidate, step, submitBundle, testAttachments } from './support.ts';

let handle: TestDatabase;
let second: DatabaseHandle | null = null;
let a: Db;
let b: Db;
const MODEL = { id: 'face.feature', sha256: 'a'.repeat(64) };
const deps: SubmitDeps = { face: null, allowedModels: new Map([[MODEL.id, MODEL.sha256]]) };

beforeAll(async () => {
	handle = await testDatabase();
	second = handle.another ? await handle.another() : null;
	a = handle.db;
	b = second?.db ?? handle.db;
});
afterAll(async () => {
	await second?.close();
	await handle.close();
});

let phoneSerial = 20_000 + Math.floor(Math.random() * 70_000);

/** A Hubei candidate confirmed through the phone's submission; returns their phone on record. */
async function confirmHubei(db: Db): Promise<{ phone: string; idNumber: string; admissionNumber: string }> {
	const phone = `1390${String(phoneSerial++).padStart(7, '0')}`;
	const candidate = await registerCandidate(db, { phone });
	const s = await openSession(db, candidate.idNumber);
	const bundle = await s.sign(
		s.payload(
			[
				step('liveness', true, { antiSpoof: 0.9, idPortraitSimilarity: 0.7 }, [MODEL]),
				step('photo', true, { similarity: 0.7 })
			],
			testAttachments('hubei')
		)
	);
	const result = await submitBundle(db, s.opened.sessionId, { bundle }, new Date(), deps);
	expect(result.outcome).toBe('confirmed');
	expect(result.smsTo).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
	return { phone, idNumber: candidate.idNumber, admissionNumber: result.admissionNumber! };
}

/** The SMS texts sent to `phone`, oldest first. */
const textsTo = async (phone: string) =>
	(await a.selectFrom('sms_outbox').select('body').where('phone', '=', phone).orderBy('id').execute()).map(
		(r) => r.body
	);

/** The password in the one SMS sent to the candidate verifies against the one hash stored. */
async function expectOnePassword(c: { phone: string; idNumber: string; admissionNumber: string }) {
	const texts = await textsTo(c.phone);
	expect(texts).toHaveLength(1);
	expect(texts[0]).toContain(c.admissionNumber);
	const password = /初始密码：(\d{8})/.exec(texts[0])![1];
	const row = await a
		.selectFrom('candidates')
		.select('password_hash')
		.where('id_number', '=', c.idNumber)
		.executeTakeFirstOrThrow();
	expect(row.password_hash).toMatch(/^scrypt\$/);
	expect(await verifyPassword(password, row.password_hash!)).toBe(true);
}

describe(`the password job (${process.env.DATABASE_URL ? 'PostgreSQL, two pools' : 'PGlite, one handle'})`, () => {
	it('the request records the confirmation and no password; the job then hashes it and sends one SMS to the phone on record', async () => {
		const c = await confirmHubei(a);
		// Nothing slow ran in the request: no hash yet, no message yet.
		const before = await a
			.selectFrom('candidates')
			.select('password_hash')
			.where('id_number', '=', c.idNumber)
			.executeTakeFirstOrThrow();
		expect(before.password_hash).toBeNull();
		expect(await textsTo(c.phone)).toEqual([]);
		expect(await sendPendingPasswords(a, outboxSender(a))).toBeGreaterThanOrEqual(1);
		await expectOnePassword(c);
		// Run again: nothing more is sent.
		await sendPendingPasswords(a, outboxSender(a));
		await expectOnePassword(c);
	});

	it('a server that dies after the commit (its job never finished) loses nothing: after the lease another instance sends it, once', async () => {
		const c = await confirmHubei(a);
		const now = new Date();
		// Instance A claims the job and dies before hashing or sending.
		const claimed = await claimPasswordJobs(a, now, 100);
		expect(claimed.length).toBeGreaterThanOrEqual(1);
		// Instance B leaves a job another instance holds alone ...
		await sendPendingPasswords(b, outboxSender(b), { now: () => now });
		expect(await textsTo(c.phone)).toEqual([]);
		// ... and takes it once the lease has run out.
		const later = new Date(now.getTime() + PASSWORD_JOB_LEASE_MS + 1000);
		await sendPendingPasswords(b, outboxSender(b), { now: () => later });
		await expectOnePassword(c);
	});

	it('a gateway that fails leaves the job to be retried; the password that finally arrives is the one stored', async () => {
		const c = await confirmHubei(a);
		const down: SmsSender = {
			name: 'down',
			send: () => Promise.reject(new Error('gateway answered 503'))
		};
		expect(await sendPendingPasswords(a, down)).toBe(0);
		expect(await textsTo(c.phone)).toEqual([]);
		const job = await a
			.selectFrom('password_jobs')
			.select(['attempts', 'last_error', 'sent_at'])
			.innerJoin('candidates', 'candidates.id', 'password_jobs.candidate_id')
			.where('candidates.id_number', '=', c.idNumber)
			.executeTakeFirstOrThrow();
		expect(job).toMatchObject({ attempts: 1, sent_at: null });
		expect(job.last_error).toContain('503');
		// Retried after its wait (a failed send backs off), with a new password.
		const retry = new Date(Date.now() + PASSWORD_JOB_RETRY_MS + 1000);
		await sendPendingPasswords(a, outboxSender(a), { now: () => retry });
		await expectOnePassword(c);
	});

	it('two instances working the queue at once send each of 12 candidates exactly one password', async () => {
		const confirmed = [];
		for (let i = 0; i < 12; i++) confirmed.push(await confirmHubei(i % 2 ? b : a));
		const [sentA, sentB] = await Promise.all([
			sendPendingPasswords(a, outboxSender(a), { batch: 2 }),
			sendPendingPasswords(b, outboxSender(b), { batch: 2 })
		]);
		expect(sentA + sentB).toBe(12);
		for (const c of confirmed) await expectOnePassword(c);
	});
});
