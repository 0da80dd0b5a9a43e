// Round 2 server rules, on PGlite and (DATABASE_URL) PostgreSQL: demo candidates per province, required steps,
// the motion-probe fallback held for review, failed attempts counted by the server, challenge extensions, and the
// fixed test-mode liveness challenge.
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { checkIdNumber } from '../../src/lib/core/idcard/number.ts';
import { nodeRegionTable } from '../../src/lib/runtime/node-regions.ts';
import { getPolicy } from '../../src/lib/core/policy/index.ts';
import { config } from '../../src/lib/server/config.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { DEMO_CANDIDATES } from '../../src/lib/server/seed.ts';
import { fixedForTest, issueChallenge } from '../../src/lib/server/services/challenges.ts';
import {
	extendChallenge,
	reportAttempt,
	requestReview
} from '../../src/lib/server/services/phone-requests.ts';
import { startSession } from '../../src/lib/server/services/sessions.ts';
import type { SubmitDeps } from '../../src/lib/server/services/submit.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { approvedPhotoFor, openSession, registerCandidate, step, submitBundle } from './support.ts';

const defaultExtensions = config.challengeExtensions;

let handle: TestDatabase;
let db: Db;
const deps: SubmitDeps = { face: null, allowedModels: new Map() };
const MIN = 60_000;

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

const outcomeOf = (sessionId: string) =>
	db.selectFrom('outcomes').selectAll().where('session_id', '=', sessionId).executeTakeFirst();

describe(`phone requests and required steps (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('seeds one fictional demo candidate per province, each with a valid GB 11643 number of that province', async () => {
		for (const [province, demo] of Object.entries(DEMO_CANDIDATES)) {
			const check = checkIdNumber(demo.id_number, '2026-01-01', nodeRegionTable());
			expect(check.valid, demo.id_number).toBe(true);
			expect(check.birthDate).toBe(demo.birth_date);
			expect(check.sex).toBe(demo.sex);
			const row = await db
				.selectFrom('candidates')
				.select('province')
				.where('id_number', '=', demo.id_number)
				.executeTakeFirstOrThrow();
			expect(row.province).toBe(province);
		}
		const hubei = await openSession(db, DEMO_CANDIDATES.hubei.id_number);
		expect(hubei.opened.province).toBe('hubei');
		expect(hubei.opened.challenge.liveness).toMatchObject({ kind: 'digits' });
		// Fujian starts a session once the office has approved the candidate's pre-registration photo.
		await approvedPhotoFor(db, DEMO_CANDIDATES.fujian.id_number);
		const fujian = await openSession(db, DEMO_CANDIDATES.fujian.id_number);
		expect(fujian.opened.province).toBe('fujian');
		expect(fujian.opened.record.name).toBe('林晓燕');
	});

	it('refuses a bundle that leaves out a step the policy requires; a present but failed step is a failure', async () => {
		const c = await registerCandidate(db);
		const s = await openSession(db, c.idNumber);
		// Hubei requires record, idcard, liveness, photo and signature: an all-passed bundle without the ID card.
		const partial = await s.sign(
			s.exactPayload([step('record'), step('liveness'), step('photo'), step('signature')])
		);
		await expect(
			submitBundle(db, s.opened.sessionId, { bundle: partial }, new Date(), deps)
		).rejects.toMatchObject({ status: 400, code: 'missing_step' });
		expect(await outcomeOf(s.opened.sessionId)).toBeUndefined();
		const failed = await s.sign(s.payload([step('idcard', false)]));
		const result = await submitBundle(db, s.opened.sessionId, { bundle: failed }, new Date(), deps);
		expect(result.outcome).toBe('failed');
		expect(result.admissionNumber).toBeUndefined();
	});

	it('holds a passed bundle whose liveness ran on the motion-probe fallback for manual review', async () => {
		const c = await registerCandidate(db);
		const s = await openSession(db, c.idNumber);
		const probe = { ...step('liveness'), details: { engine: 'motion-probe', challenge: 'digits' } };
		const result = await submitBundle(
			db,
			s.opened.sessionId,
			{ bundle: await s.sign(s.payload([probe])) },
			new Date(),
			deps
		);
		expect(result.outcome).toBe('review');
		expect(result.admissionNumber).toBeUndefined();
		const outcome = await outcomeOf(s.opened.sessionId);
		expect(outcome?.review_status).toBe('pending');
		expect(outcome?.review_reasons).toEqual([expect.objectContaining({ code: 'liveness_fallback' })]);
		// The same bundle with the face engine named is confirmed.
		const other = await openSession(db, (await registerCandidate(db)).idNumber);
		const face = { ...step('liveness'), details: { engine: 'face' } };
		const confirmed = await submitBundle(
			db,
			other.opened.sessionId,
			{ bundle: await other.sign(other.payload([face])) },
			new Date(),
			deps
		);
		expect(confirmed.outcome).toBe('confirmed');
	});

	it('Hubei: reported failed attempts are counted by the server; the third queues a manual review', async () => {
		const c = await registerCandidate(db);
		const s = await openSession(db, c.idNumber);
		const first = await s.attempt(1, step('liveness', false));
		expect(await reportAttempt(db, s.opened.sessionId, first)).toMatchObject({
			counted: true,
			failures: 1,
			attemptsLeft: 2,
			next: null,
			duplicate: false
		});
		// Resent (lost answer): counted once.
		expect(await reportAttempt(db, s.opened.sessionId, first)).toMatchObject({
			failures: 1,
			duplicate: true
		});
		// Hubei's limit does not count an ID-card read failure (identity_check).
		expect(
			await reportAttempt(db, s.opened.sessionId, await s.attempt(2, step('idcard', false)))
		).toMatchObject({
			counted: false,
			failures: 1,
			attemptsLeft: 2
		});
		// A passed step is not a failure; another device's signature is refused.
		await expect(
			reportAttempt(db, s.opened.sessionId, await s.attempt(3, step('liveness', true)))
		).rejects.toMatchObject({ code: 'not_a_failure' });
		// Another device (another candidate's session: a second session of this one would end the first).
		const stranger = await openSession(db, (await registerCandidate(db)).idNumber);
		const forged = {
			...(await stranger.attempt(3, step('liveness', false))),
			payload: (await s.attempt(3, step('liveness', false))).payload
		};
		await expect(reportAttempt(db, s.opened.sessionId, forged)).rejects.toMatchObject({
			code: 'bad_signature'
		});

		expect(
			await reportAttempt(db, s.opened.sessionId, await s.attempt(3, step('photo', false)))
		).toMatchObject({
			failures: 2,
			attemptsLeft: 1
		});
		const last = await reportAttempt(db, s.opened.sessionId, await s.attempt(4, step('liveness', false)));
		expect(last).toMatchObject({ failures: 3, attemptsLeft: 0, next: ['manual_review', 'on_site'] });
		const outcome = await outcomeOf(s.opened.sessionId);
		expect(outcome).toMatchObject({ result: 'failed', review_status: 'pending' });
		// The PC sees the session ended (its status is the outcome's), and the registration system is told once.
		const session = await db
			.selectFrom('verification_sessions')
			.select('status')
			.where('id', '=', s.opened.sessionId)
			.executeTakeFirstOrThrow();
		expect(session.status).toBe('failed');
		const events = await db
			.selectFrom('outcome_events')
			.select('payload')
			.where('outcome_id', '=', outcome!.id)
			.execute();
		expect(events.map((e) => e.payload)).toEqual([
			expect.objectContaining({ result: 'failed', reviewStatus: 'pending', admissionNumber: null })
		]);
		// The session is over and online confirmation ends for this candidate.
		await expect(
			submitBundle(db, s.opened.sessionId, { bundle: await s.sign(s.payload([])) }, new Date(), deps)
		).rejects.toMatchObject({ code: 'already_recorded' });
		await expect(startSession(db, c.idNumber)).rejects.toMatchObject({ code: 'attempts_exhausted' });
	});

	it('Hubei: reported attempts and failed submissions count against the same limit', async () => {
		const c = await registerCandidate(db);
		const a = await openSession(db, c.idNumber);
		await reportAttempt(db, a.opened.sessionId, await a.attempt(1, step('liveness', false)));
		const failed = await submitBundle(
			db,
			a.opened.sessionId,
			{ bundle: await a.sign(a.payload([step('liveness', false)])) },
			new Date(),
			deps
		);
		expect(failed.attempts).toEqual({ failures: 2, max: 3, next: null });
		const b = await openSession(db, c.idNumber);
		// A new QR code does not reset the count: the phone is told where the candidate stands when it opens.
		expect(a.opened.attempts).toEqual({ failures: 0, max: 3 });
		expect(b.opened.attempts).toEqual({ failures: 2, max: 3 });
		expect(
			await reportAttempt(db, b.opened.sessionId, await b.attempt(1, step('photo', false)))
		).toMatchObject({
			failures: 3,
			next: ['manual_review', 'on_site']
		});
	});

	it('Hubei: after a failed attempt the candidate may ask for a manual review; the session ends held for it', async () => {
		const c = await registerCandidate(db);
		const s = await openSession(db, c.idNumber);
		await expect(requestReview(db, s.opened.sessionId, await s.review())).rejects.toMatchObject({
			status: 409,
			code: 'nothing_to_review'
		});
		await reportAttempt(db, s.opened.sessionId, await s.attempt(1, step('photo', false)));
		const request = await s.review();
		expect(await requestReview(db, s.opened.sessionId, request)).toEqual({ outcome: 'review' });
		expect(await outcomeOf(s.opened.sessionId)).toMatchObject({ result: 'review', review_status: 'pending' });
		const reasons = (await outcomeOf(s.opened.sessionId))?.review_reasons as { code: string }[];
		expect(reasons.map((r) => r.code)).toEqual(['review_requested']);
		// Resent after a lost answer: the same answer; anything else on the ended session is refused.
		expect(await requestReview(db, s.opened.sessionId, request)).toEqual({ outcome: 'review' });
		await expect(requestReview(db, s.opened.sessionId, await s.review())).rejects.toMatchObject({
			code: 'already_recorded'
		});
		await expect(
			reportAttempt(db, s.opened.sessionId, await s.attempt(2, step('liveness', false)))
		).rejects.toMatchObject({ code: 'already_recorded' });
	});

	it('Beijing offers no manual review: the request is refused', async () => {
		const c = await registerCandidate(db, { province: 'beijing', examArea: '北京市朝阳区' });
		const s = await openSession(db, c.idNumber);
		await reportAttempt(db, s.opened.sessionId, await s.attempt(1, step('liveness', false)));
		await expect(requestReview(db, s.opened.sessionId, await s.review())).rejects.toMatchObject({
			status: 400,
			code: 'review_not_offered'
		});
	});

	it('Beijing: the fifth reported failure ends online collection with "contact the office", no review queued', async () => {
		const c = await registerCandidate(db, { province: 'beijing', examArea: '北京市朝阳区' });
		const s = await openSession(db, c.idNumber);
		for (let i = 1; i <= 4; i++) {
			const answer = await reportAttempt(db, s.opened.sessionId, await s.attempt(i, step('liveness', false)));
			expect(answer).toMatchObject({ counted: true, failures: i, max: 5, attemptsLeft: 5 - i, next: null });
		}
		// Beijing counts an identity check (the ID card) failure.
		const fifth = await reportAttempt(db, s.opened.sessionId, await s.attempt(5, step('idcard', false)));
		expect(fifth).toMatchObject({ counted: true, failures: 5, attemptsLeft: 0, next: ['contact_office'] });
		expect(await outcomeOf(s.opened.sessionId)).toMatchObject({ result: 'failed', review_status: 'none' });
		await expect(startSession(db, c.idNumber)).rejects.toMatchObject({ code: 'attempts_exhausted' });
	});

	it('Fujian: failures are recorded but the policy sets no limit', async () => {
		const c = await registerCandidate(db, { province: 'fujian', examArea: '福州市鼓楼区' });
		const s = await openSession(db, c.idNumber);
		for (let i = 1; i <= 6; i++) {
			const answer = await reportAttempt(db, s.opened.sessionId, await s.attempt(i, step('liveness', false)));
			expect(answer).toMatchObject({ counted: false, max: null, attemptsLeft: null, next: null });
		}
		expect(await outcomeOf(s.opened.sessionId)).toBeUndefined();
	});

	it('extends the challenge as often as configured, not once more; the bundle must echo the extended challenge', async () => {
		// Two here (the default is ten) keeps the test short; the limit logic is the same.
		config.challengeExtensions = 2;
		onTestFinished(() => void (config.challengeExtensions = defaultExtensions));
		const c = await registerCandidate(db);
		const opened = new Date(Date.now() - 19 * MIN);
		const s = await openSession(db, c.idNumber, opened);
		const before = s.opened.challenge;
		// Out of order: the first request must say extension 1.
		await expect(extendChallenge(db, s.opened.sessionId, await s.extend(2))).rejects.toMatchObject({
			code: 'extension_number'
		});
		const first = await s.extend(1);
		const one = await extendChallenge(db, s.opened.sessionId, first);
		expect(one.extensionsLeft).toBe(1);
		// Resent after a lost answer: the same challenge again, and no extension used.
		expect(await extendChallenge(db, s.opened.sessionId, first)).toEqual(one);
		expect(one.challenge.nonce).toBe(before.nonce);
		expect(Date.parse(one.challenge.expiresAt)).toBeGreaterThan(Date.now() + 19 * MIN);
		// The old challenge no longer fits.
		const stale = await s.sign(s.payload([]));
		await expect(
			submitBundle(db, s.opened.sessionId, { bundle: stale }, new Date(), deps)
		).rejects.toMatchObject({ code: 'challenge_mismatch' });
		s.useChallenge(one.challenge);
		const two = await extendChallenge(db, s.opened.sessionId, await s.extend(2));
		expect(two.extensionsLeft).toBe(0);
		expect(Date.parse(two.challenge.expiresAt)).toBeGreaterThan(Date.parse(one.challenge.expiresAt));
		s.useChallenge(two.challenge);
		await expect(extendChallenge(db, s.opened.sessionId, await s.extend(3))).rejects.toMatchObject({
			status: 409,
			code: 'no_extensions_left'
		});
		// Past the original 20 minutes, the bundle on the extended challenge is accepted.
		const result = await submitBundle(
			db,
			s.opened.sessionId,
			{ bundle: await s.sign(s.payload([])) },
			new Date(Date.now() + 5 * MIN),
			deps
		);
		expect(result.outcome).toBe('confirmed');
	});

	it('refuses to extend a challenge long expired, or one signed by another key', async () => {
		const c = await registerCandidate(db);
		const s = await openSession(db, c.idNumber, new Date(Date.now() - 25 * MIN));
		await expect(extendChallenge(db, s.opened.sessionId, await s.extend(1))).rejects.toMatchObject({
			status: 410,
			code: 'challenge_expired'
		});
		const t = await openSession(db, c.idNumber);
		const other = await openSession(db, (await registerCandidate(db)).idNumber);
		const forged = { ...(await other.extend(1)), payload: (await t.extend(1)).payload };
		await expect(extendChallenge(db, t.opened.sessionId, forged)).rejects.toMatchObject({
			code: 'bad_signature'
		});
	});
});

describe('test-mode liveness challenge', () => {
	afterEach(() => {
		vi.unstubAllEnvs();
		vi.resetModules();
	});

	it('fixes the actions (or digits) only where the province uses that kind', () => {
		const beijing = getPolicy('beijing');
		const hubei = getPolicy('hubei');
		expect(fixedForTest(beijing, '["blink"]')).toEqual({
			kind: 'actions',
			actions: ['blink'],
			stepTimeoutMs: 10_000
		});
		expect(fixedForTest(hubei, '["blink"]')).toBeNull();
		expect(fixedForTest(hubei, '"1234"')).toMatchObject({ kind: 'digits', digits: '1234' });
		expect(fixedForTest(beijing, undefined)).toBeNull();
		expect(() => fixedForTest(beijing, '["wink"]')).toThrow(/unknown actions/);
		expect(() => fixedForTest(beijing, 'blink')).toThrow(/not JSON/);
		expect(issueChallenge(beijing, new Date(), '["blink"]').liveness).toMatchObject({ actions: ['blink'] });
	});

	it('is read from ZV_TEST_LIVENESS only when ZV_E2E=1', async () => {
		vi.stubEnv('ZV_TEST_LIVENESS', '["blink"]');
		vi.stubEnv('ZV_E2E', '');
		vi.resetModules();
		expect((await import('../../src/lib/server/config.ts')).config.testLiveness).toBeUndefined();
		vi.stubEnv('ZV_E2E', '1');
		vi.resetModules();
		const { config } = await import('../../src/lib/server/config.ts');
		expect(config.testLiveness).toBe('["blink"]');
		const challenges = await import('../../src/lib/server/services/challenges.ts');
		expect(challenges.issueChallenge(getPolicy('fujian'), new Date()).liveness).toMatchObject({
			kind: 'actions',
			actions: ['blink']
		});
	});
});
