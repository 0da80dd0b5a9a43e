// Where a recorded outcome stands is told to the phone that recorded it, and to nobody else: a script that knows
// the session id (from a shared screenshot, a log) and signs with a key of its own learns nothing. And what a
// confirmation grants is told only once the server's last check (the province-wide duplicate sweep) has cleared
// it: every confirmation is answered `checking`, with no admission number, until then, so a stand-in the
// confirmation's index search missed learns nothing before the sweep (which catches them:
// tests/integration/http-face.test.ts).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusPayload } from '../../src/lib/core/bundle/request.ts';
import { generateDeviceKey, signPayload } from '../../src/lib/core/bundle/sign.ts';
import { openPhone, type OpenedPhone, type ServerProcess } from '../integration/server-process.ts';
import { testServer } from '../integration/test-server.ts';
import { inkedSignature, prepareForgery, registerCandidate } from './client.ts';
import { fixtureBytes } from './forgeries.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';

let server: ServerProcess;
let cookie = '';
let close: () => Promise<void>;

beforeAll(async () => {
	({ server, cookie, close } = await testServer(3250, { ZV_STATIC_DIR: join(process.cwd(), 'static') }));
}, 180_000);
afterAll(() => close?.());

async function askStatus(phone: OpenedPhone, key: CryptoKey) {
	const payload: StatusPayload = {
		version: 1,
		sessionId: phone.sessionId,
		challenge: phone.challenge,
		signedAt: new Date().toISOString(),
		type: 'status'
	};
	const r = await fetch(`${server.origin}/api/phone/status`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(await signPayload(payload, key))
	});
	return {
		status: r.status,
		body: (await r.json()) as { status?: string; admissionNumber?: string; error?: { code: string } }
	};
}

describe(`the phone's status question (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('is answered to the phone that opened the session, and refused to another key', async () => {
		const phone = await openPhone(server.origin, cookie, await registerCandidate(server.origin, 'hubei'));
		expect(await askStatus(phone, phone.privateKey)).toEqual({
			status: 200,
			body: { status: 'phone_opened' }
		});
		const stranger = await generateDeviceKey();
		const refused = await askStatus(phone, stranger.privateKey);
		expect(refused.status).toBe(400);
		expect(refused.body.error?.code).toBe('bad_signature');
		expect(refused.body.status).toBeUndefined();
	});
});

describe(`a confirmation's admission number (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it("is not in the submission's answer, `checking` while the face awaits the sweep; the status answer tells it after", async () => {
		const id = await registerCandidate(server.origin, 'hubei', {
			jpeg: fixtureBytes('idphotos', 'blue_bg_man_original_358x441.jpg'),
			source: 'previous_registration'
		});
		const forgery = await prepareForgery(server.origin, cookie, id, {
			photo: fixtureBytes('idphotos', 'blue_bg_man_compliant_480x640.jpg'),
			signature: await inkedSignature()
		});
		const answer = await forgery.send();
		expect(answer.status, JSON.stringify(answer.body)).toBe(200);
		expect(answer.body.outcome).toBe(FINAL_CHECK);
		expect(answer.body.admissionNumber).toBeUndefined();

		let asked = await askStatus(forgery.phone, forgery.phone.privateKey);
		for (let i = 0; i < 100 && asked.body.status === 'checking'; i++) {
			await new Promise((resolve) => setTimeout(resolve, 200));
			asked = await askStatus(forgery.phone, forgery.phone.privateKey);
		}
		expect(asked.status).toBe(200);
		expect(asked.body).toEqual({ status: 'confirmed', admissionNumber: expect.stringMatching(/^42\d{10}$/) });
		// The same bundle sent again (a phone retrying) is answered with the number now that it is final.
		const again = await forgery.send();
		expect(again.body).toMatchObject({ outcome: 'confirmed', duplicate: true });
		expect(again.body.admissionNumber).toBe(asked.body.admissionNumber);
	});
});
