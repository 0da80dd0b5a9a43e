// A kiosk tablet is signed in for a whole shift and a candidate may be left alone with it for a minute. Each test
// is an attack by a scripted client holding the tablet's staff cookie (what any page on the tablet sends): a
// candidate recording their own on-site confirmation, a kiosk account reaching another desk's session or the
// review queue. The staff member's password, typed at the moment of the attestation, is the control.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../integration/server-process.ts';
import { testServer } from '../integration/test-server.ts';
import { registerCandidate, staffAccount, staffPassword } from './client.ts';

let server: ServerProcess;
let admin = '';
let close: () => Promise<void>;
let origin = '';

beforeAll(async () => {
	({ server, cookie: admin, close } = await testServer(3641));
	origin = server.origin;
}, 180_000);
afterAll(() => close?.());

interface Refusal {
	error?: { code: string; en: string };
}

async function call<T extends object = object>(cookie: string, path: string, body?: object) {
	const r = await fetch(`${origin}${path}`, {
		method: body ? 'POST' : 'GET',
		headers: { cookie, origin, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});
	const text = await r.text();
	return { status: r.status, body: (text.startsWith('{') ? JSON.parse(text) : {}) as T & Refusal };
}

/** A kiosk account of Hubei that has started an on-site session for a new Hubei candidate. */
async function deskWithSession() {
	const kiosk = await staffAccount(origin, admin, 'kiosk', 'hubei');
	const idNumber = await registerCandidate(origin, 'hubei');
	const started = await call<{ sessionId: string }>(kiosk, '/api/kiosk/sessions', { idNumber });
	expect(started.status, JSON.stringify(started.body)).toBe(200);
	return { kiosk, idNumber, sessionId: started.body.sessionId };
}

const status = (cookie: string, sessionId: string) =>
	call<{ status: string; admissionNumber: string | null }>(cookie, `/api/kiosk/sessions/${sessionId}`);

describe('the tablet left signed in', () => {
	it('a candidate cannot record their own on-site confirmation with the tablet cookie alone', async () => {
		const { kiosk, sessionId } = await deskWithSession();
		const attest = `/api/kiosk/sessions/${sessionId}/attest`;
		const self = await call(kiosk, attest, { decision: 'confirmed', comment: '' });
		expect(self.status, JSON.stringify(self.body)).toBe(401);
		expect(self.body.error?.code).toBe('staff_password_required');
		const guessed = await call(kiosk, attest, { decision: 'confirmed', comment: '', password: '123456' });
		expect(guessed.status, JSON.stringify(guessed.body)).toBe(401);
		expect(guessed.body.error?.code).toBe('staff_password_required');
		// Nothing was recorded: the session is still open.
		expect((await status(kiosk, sessionId)).body.admissionNumber).toBeNull();

		// The staff member, present, types the password: recorded.
		const staff = await call<{ outcome: string; admissionNumber: string | null }>(kiosk, attest, {
			decision: 'confirmed',
			comment: 'checked in person',
			password: staffPassword('kiosk', 'hubei')
		});
		expect(staff.status, JSON.stringify(staff.body)).toBe(200);
		expect(staff.body.outcome).toBe('confirmed');
	});

	it("a kiosk account neither attests nor reads another desk's session, nor reaches the review queue", async () => {
		const other = await deskWithSession();
		const kiosk = await staffAccount(origin, admin, 'kiosk', 'hubei');
		const attest = await call(kiosk, `/api/kiosk/sessions/${other.sessionId}/attest`, {
			decision: 'confirmed',
			comment: '',
			password: staffPassword('kiosk', 'hubei')
		});
		expect(attest.status, JSON.stringify(attest.body)).toBe(404);
		expect((await status(kiosk, other.sessionId)).status).toBe(404);
		expect((await call(kiosk, '/api/review')).status).toBe(403);
		expect((await call(kiosk, '/api/staff/users')).status).toBe(403);
		expect((await status(other.kiosk, other.sessionId)).body.admissionNumber).toBeNull();
	});
});
