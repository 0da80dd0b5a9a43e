// Limits and exactly-once recording across two server instances sharing one PostgreSQL (two pools = two
// processes' worth of connections). On PGlite there is one process by construction: the same checks run on one handle.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, DatabaseHandle } from '../../src/lib/server/db/index.ts';
import { reportAttempt } from '../../src/lib/server/services/phone-requests.ts';
import { startSession } from '../../src/lib/server/services/sessions.ts';
import type { SubmitDeps } from '../../src/lib/server/services/submit.ts';
import { fixture } from '../support/fixtures.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { openSession, registerCandidate, step, submitBundle } from './support.ts';

let handle: TestDatabase;
let second: DatabaseHandle | null = null;
let a: Db;
let b: Db;
const deps: SubmitDeps = { face: null, allowedModels: new Map() };
const wrongSizePhoto = new Uint8Array(
	readFileSync(fixture('idphotos/nonconf_too_small_120x160_blue_bg_man.jpg'))
);
const sha256 = (x: Uint8Array) => createHash('sha256').update(x).digest('hex');

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

const settle = async (work: Promise<unknown>[]) =>
	(await Promise.allSettled(work)).map((r) =>
		r.status === 'fulfilled' ? 'ok' : ((r.reason as { code?: string }).code ?? String(r.reason))
	);

describe(`limits across instances (${process.env.DATABASE_URL ? 'PostgreSQL, two pools' : 'PGlite, one handle'})`, () => {
	it('six sessions of one candidate started at once through two instances: exactly one stays live', async () => {
		const candidate = await registerCandidate(a);
		const started = await settle(
			Array.from({ length: 6 }, (_, i) => startSession(i % 2 ? b : a, candidate.idNumber))
		);
		expect(started).toEqual(Array(6).fill('ok'));
		const live = await a
			.selectFrom('verification_sessions')
			.innerJoin('candidates', 'candidates.id', 'verification_sessions.candidate_id')
			.select('verification_sessions.status')
			.where('candidates.id_number', '=', candidate.idNumber)
			.execute();
		expect(live.filter((s) => s.status === 'pending')).toHaveLength(1);
		expect(live.filter((s) => s.status === 'superseded')).toHaveLength(5);
	});

	it('six failed Hubei attempts reported at once through two instances: exactly three are counted', async () => {
		const candidate = await registerCandidate(a);
		const s = await openSession(a, candidate.idNumber);
		const reports = await Promise.all(
			Array.from({ length: 6 }, (_, i) => s.attempt(i + 1, step('liveness', false)))
		);
		const results = await settle(
			reports.map((report, i) => reportAttempt(i % 2 ? b : a, s.opened.sessionId, report))
		);
		expect(results.filter((r) => r === 'ok')).toHaveLength(3);
		expect(results.filter((r) => r === 'attempts_exhausted' || r === 'already_recorded')).toHaveLength(3);
		const counted = await a
			.selectFrom('failed_attempts')
			.select((eb) => eb.fn.countAll().as('n'))
			.where('session_id', '=', s.opened.sessionId)
			.executeTakeFirstOrThrow();
		expect(Number(counted.n)).toBe(3);
	});

	it('twenty Beijing photo uploads at once through two instances: exactly fifteen counted, five refused', async () => {
		const candidate = await registerCandidate(a, { province: 'beijing' });
		const s = await openSession(a, candidate.idNumber);
		const bundle = await s.sign(s.payload([step('photo', true)], { photoSha256: sha256(wrongSizePhoto) }));
		const results = await settle(
			Array.from({ length: 20 }, (_, i) =>
				submitBundle(i % 2 ? b : a, s.opened.sessionId, { bundle, photo: wrongSizePhoto }, new Date(), deps)
			)
		);
		expect(results.filter((r) => r === 'photo_rejected')).toHaveLength(15);
		expect(results.filter((r) => r === 'photo_limit')).toHaveLength(5);
	});

	it('one bundle sent to both instances at once is recorded exactly once', async () => {
		for (let round = 0; round < 3; round++) {
			// A candidate per round: a confirmed candidate cannot be confirmed again.
			const candidate = await registerCandidate(a);
			const s = await openSession(a, candidate.idNumber);
			const bundle = await s.sign(s.payload([step('record')]));
			const results = await Promise.all([
				submitBundle(a, s.opened.sessionId, { bundle }, new Date(), deps),
				submitBundle(b, s.opened.sessionId, { bundle }, new Date(), deps),
				submitBundle(a, s.opened.sessionId, { bundle }, new Date(), deps)
			]);
			expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
			expect(new Set(results.map((r) => r.admissionNumber)).size).toBe(1);
			// One number for all three answers, and a number at all (three nulls would be one value too).
			expect(results[0].admissionNumber, JSON.stringify(results)).toMatch(/^\d{12,}$/);
			const n = await a
				.selectFrom('outcomes')
				.select((eb) => eb.fn.countAll().as('n'))
				.where('session_id', '=', s.opened.sessionId)
				.executeTakeFirstOrThrow();
			expect(Number(n.n)).toBe(1);
		}
	});
});
