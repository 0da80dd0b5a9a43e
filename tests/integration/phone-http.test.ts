// The phone's signed requests over HTTP on the built server, started in e2e mode with a fixed liveness challenge:
// the demo candidates per province, failed-attempt reports, challenge extension, required steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/lib/core/bundle/sign.ts';
import type { StepResult } from '../../src/lib/core/bundle/schema.ts';
import { DEMO_CANDIDATES } from '../../src/lib/server/seed.ts';
import {
	hubeiRecord,
	preparePhone,
	registerOverHttp,
	type PhoneSession,
	type ServerProcess
} from './server-process.ts';
import { testServer } from './test-server.ts';
import { newIdNumber } from './support.ts';

let server: ServerProcess;
let cookie = '';
let close: () => Promise<void>;

beforeAll(async () => {
	// Two extensions pinned (the default is ten): the test checks the count the server answers, not the default.
	({ server, cookie, close } = await testServer(3400, {
		ZV_E2E: '1',
		ZV_TEST_LIVENESS: '["blink"]',
		ZV_SEED_DEMO: '1',
		ZV_CHALLENGE_EXTENSIONS: '2'
	}));
}, 120_000);
afterAll(() => close?.());

const failed = (kind: StepResult['kind']): StepResult => ({
	kind,
	passed: false,
	scores: {},
	reasons: ['timeout'],
	models: [],
	details: {}
});

const post = (path: string, body: unknown) =>
	fetch(`${server.origin}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: server.origin },
		body: JSON.stringify(body)
	});

const attempt = (p: PhoneSession, n: number, step: StepResult) =>
	signPayload(
		{
			version: 1,
			type: 'attempt',
			sessionId: p.sessionId,
			challenge: p.challenge,
			signedAt: new Date().toISOString(),
			candidate: { idNumber: p.idNumber },
			attempt: n,
			step
		},
		p.privateKey
	);

describe(`phone requests over HTTP (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('the seeded demo candidates open in their own province; test mode fixes action challenges to ["blink"]', async () => {
		for (const [province, demo] of Object.entries(DEMO_CANDIDATES)) {
			const phone = await preparePhone(server.origin, cookie, demo.id_number);
			expect(phone.province).toBe(province);
			if (province === 'hubei') expect(phone.challenge.liveness).toMatchObject({ kind: 'digits' });
			else
				expect(phone.challenge.liveness).toEqual({
					kind: 'actions',
					actions: ['blink'],
					stepTimeoutMs: 10_000
				});
		}
	});

	it('Hubei: three reported failures over HTTP end online confirmation with a manual review', async () => {
		const id = newIdNumber();
		await registerOverHttp(server.origin, [hubeiRecord(id, '武汉市江岸区')]);

		const phone = await preparePhone(server.origin, cookie, id);
		const answers = [];
		for (let i = 1; i <= 3; i++) {
			const r = await post('/api/phone/attempt', await attempt(phone, i, failed('liveness')));
			expect(r.status).toBe(200);
			answers.push(await r.json());
		}
		expect(answers.map((a) => a.attemptsLeft)).toEqual([2, 1, 0]);
		expect(answers[2].next).toEqual(['manual_review', 'on_site']);
		// The passing bundle prepared earlier cannot confirm the session any more.
		const submitted = await fetch(`${server.origin}/api/phone/submit`, {
			method: 'POST',
			body: phone.form(),
			headers: { origin: server.origin }
		});
		expect(submitted.status).toBe(409);
		const refused = await post('/api/phone/attempt', { payload: { sessionId: 'x' } });
		expect(refused.status).toBe(400);
	});

	it('extends the challenge over HTTP; the bundle signed on the old one is then refused', async () => {
		const phone = await preparePhone(server.origin, cookie, DEMO_CANDIDATES.fujian.id_number);
		const request = await signPayload(
			{
				version: 1,
				type: 'extend',
				sessionId: phone.sessionId,
				challenge: phone.challenge,
				signedAt: new Date().toISOString(),
				extension: 1
			},
			phone.privateKey
		);
		const r = await post('/api/phone/challenge/extend', request);
		expect(r.status).toBe(200);
		const body = await r.json();
		expect(body.extensionsLeft).toBe(1); // two pinned above, one used
		expect(Date.parse(body.challenge.expiresAt)).toBeGreaterThan(Date.parse(phone.challenge.expiresAt));
		// Resent (the answer was lost): the same answer, not a second extension.
		const resent = await post('/api/phone/challenge/extend', request);
		expect(resent.status).toBe(200);
		expect(await resent.json()).toEqual(body);
		const submitted = await fetch(`${server.origin}/api/phone/submit`, {
			method: 'POST',
			body: phone.form(),
			headers: { origin: server.origin }
		});
		expect(submitted.status).toBe(400);
		expect((await submitted.json()).error.code).toBe('challenge_mismatch');
	});
});
