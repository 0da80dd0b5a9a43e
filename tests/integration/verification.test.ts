// Challenges, the extended verifier, attempt limits and outcomes, on PGlite and (DATABASE_URL) PostgreSQL.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { LIVENESS_ACTIONS } from '../../src/lib/core/policy/types.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { verifyPassword } from '../../src/lib/server/passwords.ts';
import { sendPendingPasswords } from '../../src/lib/server/services/password-jobs.ts';
import { startSession } from '../../src/lib/server/services/sessions.ts';
import { outboxSender } from '../../src/lib/server/sms/outbox.ts';
import type { SubmitDeps } from '../../src/lib/server/services/submit.ts';
import { chinaDay } from '../../src/lib/core/china-time.ts';
import { fixture } from '../support/fixtures.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { openSession, registerCandidate, step, submitBundle, testAttachments } from './support.ts';

let handle: TestDatabase;
let db: Db;

const MODEL = { id: 'face.feature', sha256: 'a'.repeat(64) };
const deps: SubmitDeps = { face: null, allowedModels: new Map([[MODEL.id, MODEL.sha256]]) };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const goodPhoto = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));
const wrongSizePhoto = new Uint8Array(
	readFileSync(fixture('idphotos/nonconf_too_small_120x160_blue_bg_man.jpg'))
);

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

const outcomesOf = async (sessionId: string) =>
	db.selectFrom('outcomes').selectAll().where('session_id', '=', sessionId).execute();

describe(`challenges and verification (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('issues the liveness challenge the province policy asks for, with a fresh nonce each time', async () => {
		const hubei = await registerCandidate(db);
		const beijing = await registerCandidate(db, { province: 'beijing', examArea: '北京市朝阳区' });
		const a = await openSession(db, hubei.idNumber);
		const b = await openSession(db, hubei.idNumber);
		const c = await openSession(db, beijing.idNumber);
		expect(a.opened.challenge.liveness).toMatchObject({ kind: 'digits', clipMinMs: 3000, clipMaxMs: 5000 });
		expect((a.opened.challenge.liveness as { digits: string }).digits).toMatch(/^\d{4}$/);
		expect(a.opened.challenge.nonce).not.toBe(b.opened.challenge.nonce);
		const actions = (c.opened.challenge.liveness as { kind: string; actions: string[] }).actions;
		expect(actions).toHaveLength(2);
		expect(new Set(actions).size).toBe(2);
		for (const action of actions) expect(LIVENESS_ACTIONS).toContain(action);
		// The challenge is stored as issued: what the phone must echo.
		const row = await db
			.selectFrom('verification_sessions')
			.select('challenge')
			.where('id', '=', c.opened.sessionId)
			.executeTakeFirstOrThrow();
		expect(row.challenge).toEqual(c.opened.challenge);
	});

	it('rejects models off the allow-list, passed steps with failing scores, and a photo that fails the re-check; each records only an audit entry', async () => {
		const candidate = await registerCandidate(db);
		const s = await openSession(db, candidate.idNumber);
		const cases: [Parameters<typeof s.payload>, Uint8Array | undefined, string, number][] = [
			[
				[[step('liveness', true, {}, [{ id: 'face.feature', sha256: 'b'.repeat(64) }])]],
				undefined,
				'unknown_model',
				400
			],
			[
				[[step('liveness', true, {}, [{ id: 'evil.model', sha256: MODEL.sha256 }])]],
				undefined,
				'unknown_model',
				400
			],
			[[[step('photo', true, { similarity: 0.2 })]], undefined, 'score_threshold', 400],
			[[[step('liveness', true, { antiSpoof: 0.1 })]], undefined, 'score_threshold', 400],
			[
				[[step('photo', true)], { photoSha256: sha256(wrongSizePhoto) }],
				wrongSizePhoto,
				'photo_rejected',
				422
			],
			[
				[[step('photo', true)], { photoSha256: sha256(goodPhoto) }],
				wrongSizePhoto,
				'attachment_mismatch',
				400
			]
		];
		for (const [args, photo, code, status] of cases) {
			const bundle = await s.sign(s.payload(...args));
			await expect(
				// No photo of its own: the test photo the bundle names goes with it.
				submitBundle(db, s.opened.sessionId, { bundle, ...(photo ? { photo } : {}) }, new Date(), deps)
			).rejects.toMatchObject({
				code,
				status
			});
		}
		expect(await outcomesOf(s.opened.sessionId)).toHaveLength(0);
		expect(await db.selectFrom('attachments').selectAll().execute()).toHaveLength(0);
		const audit = await db
			.selectFrom('audit_log')
			.select('action')
			.where('session_id', '=', s.opened.sessionId)
			.where('action', '=', 'bundle.rejected')
			.execute();
		expect(audit).toHaveLength(cases.length);
		// A failing score on a step the phone itself marks failed is honest: recorded as a failed attempt.
		const failed = await submitBundle(
			db,
			s.opened.sessionId,
			{ bundle: await s.sign(s.payload([step('liveness', false, { antiSpoof: 0.1 })])) },
			new Date(),
			deps
		);
		expect(failed).toMatchObject({ outcome: 'failed', attempts: { failures: 1, max: 3, next: null } });
	});

	it('refuses an expired challenge with 410', async () => {
		const candidate = await registerCandidate(db);
		const s = await openSession(db, candidate.idNumber);
		const bundle = await s.sign(s.payload([step('record')]));
		const later = new Date(Date.parse(s.opened.challenge.expiresAt) + 1000);
		await expect(submitBundle(db, s.opened.sessionId, { bundle }, later, deps)).rejects.toMatchObject({
			status: 410,
			code: 'challenge_expired'
		});
	});

	it('a confirmed Hubei outcome gets a 12-digit admission number and an 8-digit password kept only as a scrypt hash, sent by SMS', async () => {
		const candidate = await registerCandidate(db, { phone: '13911112222' });
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
		const result = await submitBundle(db, s.opened.sessionId, { bundle, photo: goodPhoto }, new Date(), deps);
		expect(result.outcome).toBe('confirmed');
		expect(result.admissionNumber).toMatch(
			new RegExp(`^42${String(new Date().getUTCFullYear() % 100)}\\d{8}$`)
		);
		// The password travels only by SMS; the answer says where it went, masked.
		expect(result).not.toHaveProperty('password');
		expect(result.smsTo).toBe('139****2222');
		const row = await db
			.selectFrom('candidates')
			.select(['admission_number', 'password_hash'])
			.where('id_number', '=', candidate.idNumber)
			.executeTakeFirstOrThrow();
		expect(row.admission_number).toBe(result.admissionNumber);
		// The password job draws, hashes and sends the password after the commit (password-jobs.test.ts).
		expect(row.password_hash).toBeNull();
		await sendPendingPasswords(db, outboxSender(db));
		const hashed = await db
			.selectFrom('candidates')
			.select('password_hash')
			.where('id_number', '=', candidate.idNumber)
			.executeTakeFirstOrThrow();
		const sms = await db.selectFrom('sms_outbox').selectAll().where('phone', '=', '13911112222').execute();
		expect(sms).toHaveLength(1);
		expect(sms[0].body).toContain(result.admissionNumber);
		const password = /密码：(\d{8})/.exec(sms[0].body)![1];
		expect(hashed.password_hash).toMatch(/^scrypt\$/);
		expect(hashed.password_hash).not.toContain(password);
		expect(await verifyPassword(password, hashed.password_hash!)).toBe(true);
		expect(await verifyPassword('00000000', hashed.password_hash!)).toBe(false);
		// The photo is stored as received; the phone's retry is acknowledged without showing the password again.
		const attachment = await db
			.selectFrom('attachments')
			.selectAll()
			.where('kind', '=', 'photo')
			.executeTakeFirstOrThrow();
		expect(sha256(attachment.bytes!)).toBe(sha256(goodPhoto));
		const retry = await submitBundle(db, s.opened.sessionId, { bundle, photo: goodPhoto }, new Date(), deps);
		expect(retry).toEqual({ outcome: 'confirmed', duplicate: true, admissionNumber: result.admissionNumber });
	});

	it('a returning candidate keeps the admission number the registration system gave them', async () => {
		const candidate = await registerCandidate(db, { admissionNumber: '420199001234' });
		const s = await openSession(db, candidate.idNumber);
		const result = await submitBundle(
			db,
			s.opened.sessionId,
			{ bundle: await s.sign(s.payload([step('record')])) },
			new Date(),
			deps
		);
		expect(result.admissionNumber).toBe('420199001234');
	});

	it('admission numbers stay unique when many candidates confirm at once', async () => {
		const candidates = await Promise.all(
			Array.from({ length: 8 }, () => registerCandidate(db, { province: 'beijing' }))
		);
		const sessions = await Promise.all(candidates.map((c) => openSession(db, c.idNumber)));
		const results = await Promise.all(
			sessions.map(async (s) =>
				submitBundle(
					db,
					s.opened.sessionId,
					{ bundle: await s.sign(s.payload([step('record')])) },
					new Date(),
					deps
				)
			)
		);
		const numbers = results.map((r) => r.admissionNumber);
		expect(numbers.every((n) => /^11\d{10}$/.test(n ?? ''))).toBe(true);
		expect(new Set(numbers).size).toBe(numbers.length);
		// Beijing sends no success SMS and so makes no password.
		expect(results.every((r) => r.smsTo === undefined)).toBe(true);
	});

	it('Hubei: the third failed verification ends online confirmation and queues a manual review', async () => {
		const candidate = await registerCandidate(db);
		for (let i = 1; i <= 3; i++) {
			const s = await openSession(db, candidate.idNumber);
			const result = await submitBundle(
				db,
				s.opened.sessionId,
				{ bundle: await s.sign(s.payload([step('liveness', false)])) },
				new Date(),
				deps
			);
			expect(result.attempts).toEqual({
				failures: i,
				max: 3,
				next: i === 3 ? ['manual_review', 'on_site'] : null
			});
			if (i === 3) {
				const outcome = (await outcomesOf(s.opened.sessionId))[0];
				expect(outcome.review_status).toBe('pending');
			}
		}
		await expect(startSession(db, candidate.idNumber)).rejects.toMatchObject({
			status: 403,
			code: 'attempts_exhausted'
		});
		// On site (kiosk) is still possible.
		await expect(
			startSession(db, candidate.idNumber, new Date(), { origin: 'kiosk' })
		).resolves.toHaveProperty('token');
	});

	it('Hubei: a session opened before the limit was reached cannot be used after it (the newer sessions ended it)', async () => {
		const candidate = await registerCandidate(db);
		const spare = await openSession(db, candidate.idNumber);
		for (let i = 0; i < 3; i++) {
			const s = await openSession(db, candidate.idNumber);
			await submitBundle(
				db,
				s.opened.sessionId,
				{ bundle: await s.sign(s.payload([step('liveness', false)])) },
				new Date(),
				deps
			);
		}
		await expect(
			submitBundle(
				db,
				spare.opened.sessionId,
				{ bundle: await spare.sign(spare.payload([step('record')])) },
				new Date(),
				deps
			)
		).rejects.toMatchObject({ status: 410, code: 'session_ended' });
	});

	it('counts submissions per session in the session read: over the limit, 429 and nothing recorded', async () => {
		const candidate = await registerCandidate(db);
		const s = await openSession(db, candidate.idNumber);
		const rateLimit = { limit: 2, windowMs: 60_000 };
		const now = new Date();
		const bad = await s.sign(s.payload([step('liveness', true, { antiSpoof: 0.1 })]));
		for (let i = 0; i < 2; i++) {
			await expect(
				submitBundle(db, s.opened.sessionId, { bundle: bad }, now, { ...deps, rateLimit })
			).rejects.toMatchObject({ code: 'score_threshold' });
		}
		const good = await s.sign(s.payload([step('liveness', true, { antiSpoof: 0.9 }, [MODEL])]));
		await expect(
			submitBundle(db, s.opened.sessionId, { bundle: good }, now, { ...deps, rateLimit })
		).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
		expect(await outcomesOf(s.opened.sessionId)).toHaveLength(0);
		const hits = await db
			.selectFrom('rate_limits')
			.select('hits')
			.where('key', '=', `submit:${s.opened.sessionId}`)
			.executeTakeFirstOrThrow();
		expect(hits.hits).toBe(3);
		// The next window starts from zero: the same bundle is then recorded.
		const later = new Date(now.getTime() + 60_000);
		const result = await submitBundle(db, s.opened.sessionId, { bundle: good }, later, {
			...deps,
			rateLimit
		});
		expect(result.outcome).not.toBe('failed');
	});

	it('Beijing: 15 photo uploads a day (China time), the 16th refused until midnight', async () => {
		const candidate = await registerCandidate(db, { province: 'beijing', examArea: '北京市海淀区' });
		const s = await openSession(db, candidate.idNumber);
		const now = new Date();
		const bundle = await s.sign(s.payload([step('photo', true)], { photoSha256: sha256(wrongSizePhoto) }));
		for (let i = 0; i < 15; i++) {
			await expect(
				submitBundle(db, s.opened.sessionId, { bundle, photo: wrongSizePhoto }, now, deps)
			).rejects.toMatchObject({
				code: 'photo_rejected'
			});
		}
		await expect(
			submitBundle(db, s.opened.sessionId, { bundle, photo: wrongSizePhoto }, now, deps)
		).rejects.toMatchObject({
			status: 429,
			code: 'photo_limit'
		});
		// The count is kept per China-time calendar day: it starts again at midnight UTC+8.
		expect(chinaDay(Date.parse('2026-03-01T15:59:59Z'))).toBe('2026-03-01');
		expect(chinaDay(Date.parse('2026-03-01T16:00:00Z'))).toBe('2026-03-02');
	});

	it('Beijing: a photo the re-check read counts when the submission is refused after it for another reason', async () => {
		const candidate = await registerCandidate(db, { province: 'beijing', examArea: '北京市西城区' });
		const s = await openSession(db, candidate.idNumber);
		const now = new Date();
		const bundle = await s.sign(
			s.payload([step('photo', true)], {
				photoSha256: sha256(goodPhoto),
				evidence: [{ moment: 'neutral', sha256: sha256(goodPhoto) }]
			})
		);
		// The photo passes the re-check; the liveness frames Beijing does not take then refuse the submission.
		// (The server zeroes the crops it was sent: each submission sends its own copy.)
		const unasked = () => ({ bundle, photo: goodPhoto, evidence: [goodPhoto.slice()] });
		for (let i = 0; i < 15; i++) {
			await expect(submitBundle(db, s.opened.sessionId, unasked(), now, deps)).rejects.toMatchObject({
				code: 'evidence_not_accepted'
			});
		}
		await expect(submitBundle(db, s.opened.sessionId, unasked(), now, deps)).rejects.toMatchObject({
			status: 429,
			code: 'photo_limit'
		});
	});

	it('Beijing: the fifth failure ends online collection with "contact the office"', async () => {
		const candidate = await registerCandidate(db, { province: 'beijing' });
		let last;
		for (let i = 0; i < 5; i++) {
			const s = await openSession(db, candidate.idNumber);
			last = await submitBundle(
				db,
				s.opened.sessionId,
				{ bundle: await s.sign(s.payload([step('photo', false)])) },
				new Date(),
				deps
			);
		}
		expect(last?.attempts).toEqual({ failures: 5, max: 5, next: ['contact_office'] });
		await expect(startSession(db, candidate.idNumber)).rejects.toMatchObject({ code: 'attempts_exhausted' });
	});
});
