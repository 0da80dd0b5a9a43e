import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundlePayload, StepResult } from '../../src/lib/core/bundle/schema.ts';
import { exportPublicKey, generateDeviceKey, signBundle } from '../../src/lib/core/bundle/sign.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { DEMO_CANDIDATE } from '../../src/lib/server/seed.ts';
import { sweepDuplicates } from '../../src/lib/server/services/duplicate-sweep.ts';
import { phoneSessionStatus } from '../../src/lib/server/services/phone-status.ts';
import { openPhoneLink, sessionStatus, startSession } from '../../src/lib/server/services/sessions.ts';
import { newIdNumber, openSession, registerCandidate, submitBundle, testAttachments } from './support.ts';
import { testDatabase } from './db.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';

let handle: Awaited<ReturnType<typeof testDatabase>>;
let db: Db;

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

/** A session of a fresh Beijing candidate (a confirmed candidate cannot be confirmed again). */
async function openedSession() {
	const candidate = await registerCandidate(db, { idNumber: newIdNumber('110105'), province: 'beijing' });
	const started = await startSession(db, candidate.idNumber);
	const keys = await generateDeviceKey();
	const opened = await openPhoneLink(db, started.token, await exportPublicKey(keys.publicKey));
	const payload: BundlePayload = {
		version: 1,
		sessionId: opened.sessionId,
		challenge: opened.challenge,
		candidate: { idNumber: opened.record.idNumber },
		signedAt: new Date().toISOString(),
		// Every step Beijing's policy requires, passed.
		steps: (['record', 'idcard', 'liveness', 'photo'] as const).map((kind): StepResult => ({
			kind,
			passed: true,
			scores: kind === 'liveness' ? { idPortraitSimilarity: 0.7 } : {},
			reasons: [],
			models: [],
			details: {}
		})),
		attachments: testAttachments('beijing'),
		device: {}
	};
	return { started, keys, opened, payload };
}

const countOutcomes = async (sessionId: string) =>
	Number(
		(
			await db
				.selectFrom('outcomes')
				.select((eb) => eb.fn.countAll().as('n'))
				.where('session_id', '=', sessionId)
				.executeTakeFirstOrThrow()
		).n
	);

describe(`sessions and submissions (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('the migrations created the schema and the demo candidate is seeded once', async () => {
		const rows = await db
			.selectFrom('candidates')
			.select('name')
			.where('id_number', '=', DEMO_CANDIDATE.id_number)
			.execute();
		expect(rows).toEqual([{ name: '王小明' }]);
	});

	it('stores only a hash of the phone-link token', async () => {
		const started = await startSession(db, DEMO_CANDIDATE.id_number);
		const row = await db
			.selectFrom('verification_sessions')
			.selectAll()
			.where('id', '=', started.sessionId)
			.executeTakeFirstOrThrow();
		expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
		expect(JSON.stringify(row)).not.toContain(started.token);
	});

	it('refuses an unknown ID number with a 404 and a reason', async () => {
		await expect(startSession(db, '110105199003071247')).rejects.toMatchObject({
			status: 404,
			code: 'no_registration'
		});
	});

	it('a phone link opens once; a second open is refused', async () => {
		const started = await startSession(db, DEMO_CANDIDATE.id_number);
		const keys = await generateDeviceKey();
		const opened = await openPhoneLink(db, started.token, await exportPublicKey(keys.publicKey));
		expect(opened.record.name).toBe('王小明');
		expect(opened.record.birthDate).toBe('1990-03-07');
		expect(opened.challenge.nonce.length).toBeGreaterThanOrEqual(32);
		// No shipped policy asks for liveness evidence: the phone is told face frames stay on it.
		expect(opened.livenessEvidence).toBe('none');
		// Nor the colour challenge: the phone is told not to run it.
		expect(opened.livenessColour).toBe('off');
		await expect(
			openPhoneLink(db, started.token, await exportPublicKey(keys.publicKey))
		).rejects.toMatchObject({ code: 'link_used' });
	});

	it('an expired link is refused', async () => {
		const started = await startSession(db, DEMO_CANDIDATE.id_number);
		const keys = await generateDeviceKey();
		const later = new Date(started.expiresAt.getTime() + 1000);
		await expect(
			openPhoneLink(db, started.token, await exportPublicKey(keys.publicKey), later)
		).rejects.toMatchObject({ code: 'link_expired' });
	});

	it('records a verified bundle once and shows it to the PC', async () => {
		const { started, keys, opened, payload } = await openedSession();
		const result = await submitBundle(db, opened.sessionId, {
			bundle: await signBundle(payload, keys.privateKey)
		});
		expect(result).toMatchObject({ outcome: FINAL_CHECK, duplicate: false });
		// Confirmed once the province-wide duplicate sweep has cleared the face; until then, being checked.
		expect(await sessionStatus(db, opened.sessionId, started.pcSecret)).toMatchObject({
			status: 'checking'
		});
		await sweepDuplicates(db);
		expect(await sessionStatus(db, opened.sessionId, started.pcSecret)).toMatchObject({
			status: 'confirmed'
		});
		await expect(sessionStatus(db, opened.sessionId, 'wrong-secret')).rejects.toMatchObject({
			status: 404,
			code: 'unknown_session'
		});
	});

	it('where the outcome stands is told only to the phone that recorded it', async () => {
		const c = await registerCandidate(db);
		const s = await openSession(db, c.idNumber);
		await submitBundle(db, s.opened.sessionId, { bundle: await s.sign(s.payload([])) });
		expect(await phoneSessionStatus(db, s.opened.sessionId, await s.status())).toEqual({
			status: 'checking'
		});
		// Another key (a script that knows the session id): refused, as every phone request it did not sign.
		const other = await openSession(db, (await registerCandidate(db)).idNumber);
		const forged = { ...(await other.status()), payload: (await s.status()).payload };
		await expect(phoneSessionStatus(db, s.opened.sessionId, forged)).rejects.toMatchObject({
			code: 'bad_signature'
		});
	});

	it('a tampered bundle records nothing but an audit entry', async () => {
		const { keys, opened, payload } = await openedSession();
		const signed = await signBundle(payload, keys.privateKey);
		signed.payload.candidate.idNumber = '110105199003071247';
		await expect(submitBundle(db, opened.sessionId, { bundle: signed })).rejects.toMatchObject({
			status: 400,
			code: 'bad_signature'
		});
		expect(await countOutcomes(opened.sessionId)).toBe(0);
		const audit = await db
			.selectFrom('audit_log')
			.select(['action', 'detail'])
			.where('session_id', '=', opened.sessionId)
			.orderBy('id')
			.execute();
		expect(audit.map((a) => a.action)).toEqual(['session.start', 'session.phone_opened', 'bundle.rejected']);
	});

	it('the same bundle sent twice at once records exactly one outcome; a different one later is refused', async () => {
		const { keys, opened, payload } = await openedSession();
		const signed = await signBundle(payload, keys.privateKey);
		const results = await Promise.allSettled([
			submitBundle(db, opened.sessionId, { bundle: signed }),
			submitBundle(db, opened.sessionId, { bundle: signed })
		]);
		expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
		expect(
			results.map((r) => (r as PromiseFulfilledResult<{ duplicate: boolean }>).value.duplicate).sort()
		).toEqual([false, true]);
		expect(await countOutcomes(opened.sessionId)).toBe(1);
		const other = await signBundle({ ...payload, signedAt: new Date().toISOString() }, keys.privateKey);
		await expect(submitBundle(db, opened.sessionId, { bundle: other })).rejects.toMatchObject({
			status: 409,
			code: 'already_recorded'
		});
	});
});
