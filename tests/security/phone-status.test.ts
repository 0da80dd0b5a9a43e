// Where a recorded outcome stands is told to the phone that recorded it, and to nobody else: a script that knows
// the session id (from a shared screenshot, a log) and signs with a key of its own learns nothing.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusPayload } from '../../src/lib/core/bundle/request.ts';
import { generateDeviceKey, signPayload } from '../../src/lib/core/bundle/sign.ts';
import { openPhone, type OpenedPhone, type ServerProcess } from '../integration/server-process.ts';
import { testServer } from '../integration/test-server.ts';
import { registerCandidate } from './client.ts';

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
	return { status: r.status, body: (await r.json()) as { status?: string; error?: { code: string } } };
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
