// A phone link opens once: whoever else holds the link (a forwarded QR code, a shoulder-surfed URL) cannot open it
// after the phone, whatever key or proof it brings. The one exception is the phone that opened it and lost the
// answer: it proves it holds the private half of the key it sent and gets the same session, not a new one. A
// session with an outcome opens for no one, also one a kiosk operator recorded before any phone opened its link.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signReopen } from '../../src/lib/core/bundle/reopen.ts';
import { exportPublicKey, generateDeviceKey } from '../../src/lib/core/bundle/sign.ts';
import {
	signedSubmission,
	startLink,
	type OpenedPhone,
	type ServerProcess
} from '../integration/server-process.ts';
import { testServer } from '../integration/test-server.ts';
import { registerCandidate, staffAccount, staffPassword } from './client.ts';

let server: ServerProcess;
let cookie = '';
let close: () => Promise<void>;

beforeAll(async () => {
	({ server, cookie, close } = await testServer(3250, { ZV_STATIC_DIR: join(process.cwd(), 'static') }));
}, 180_000);
afterAll(() => close?.());

async function open(token: string, publicKey: JsonWebKey, proof?: string) {
	const r = await fetch(`${server.origin}/api/phone/open`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ token, publicKey, ...(proof ? { proof } : {}) })
	});
	return {
		status: r.status,
		body: (await r.json()) as {
			sessionId?: string;
			challenge?: OpenedPhone['challenge'];
			error?: { code: string };
		}
	};
}

/** A link the phone has opened with its key: the token, the phone's keys and the first answer. */
async function spentLink() {
	const idNumber = await registerCandidate(server.origin, 'hubei');
	const token = await startLink(server.origin, cookie, idNumber);
	const phone = await generateDeviceKey();
	const first = await open(token, await exportPublicKey(phone.publicKey));
	expect(first.status).toBe(200);
	return { token, phone, first: first.body, idNumber };
}

describe(`a spent phone link (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('another key, with or without a proof signed by it, is refused: link_used', async () => {
		const { token } = await spentLink();
		const thief = await generateDeviceKey();
		const thiefKey = await exportPublicKey(thief.publicKey);
		for (const proof of [undefined, await signReopen(token, thief.privateKey)]) {
			const r = await open(token, thiefKey, proof);
			expect(r.status).toBe(410);
			expect(r.body.error?.code).toBe('link_used');
			expect(r.body.sessionId).toBeUndefined();
		}
	});

	it("the phone's public key without its private half is refused: no proof, or a proof by another key", async () => {
		const { token, phone } = await spentLink();
		const phoneKey = await exportPublicKey(phone.publicKey);
		const other = await generateDeviceKey();
		for (const proof of [
			undefined,
			await signReopen(token, other.privateKey),
			await signReopen('x'.repeat(43), phone.privateKey)
		]) {
			const r = await open(token, phoneKey, proof);
			expect(r.status).toBe(410);
			expect(r.body.error?.code).toBe('link_used');
		}
	});

	it('the phone that lost the answer opens again with its proof: the same session and challenge', async () => {
		const { token, phone, first } = await spentLink();
		const again = await open(
			token,
			await exportPublicKey(phone.publicKey),
			await signReopen(token, phone.privateKey)
		);
		expect(again.status).toBe(200);
		expect(again.body.sessionId).toBe(first.sessionId);
		expect(again.body.challenge?.nonce).toBe(first.challenge?.nonce);
	});

	it('once the session has its outcome, not even the phone opens it again', async () => {
		const { token, phone, first, idNumber } = await spentLink();
		// The phone's own bundle ends the session: a liveness step it reports failed is recorded as a failed attempt.
		const send = await signedSubmission(
			{
				sessionId: first.sessionId!,
				province: 'hubei',
				challenge: first.challenge as OpenedPhone['challenge'],
				idNumber,
				privateKey: phone.privateKey,
				attempts: { failures: 0, max: null }
			},
			{},
			(steps) => steps.map((s) => (s.kind === 'liveness' ? { ...s, passed: false, reasons: ['no_face'] } : s))
		);
		const submitted = await fetch(`${server.origin}/api/phone/submit`, {
			method: 'POST',
			body: send(),
			headers: { origin: server.origin }
		});
		expect(((await submitted.json()) as { outcome?: string }).outcome).toBe('failed');
		const again = await open(
			token,
			await exportPublicKey(phone.publicKey),
			await signReopen(token, phone.privateKey)
		);
		expect(again.status).toBe(410);
		expect(again.body.error?.code).toBe('session_recorded');
	});

	it("a kiosk session's link, unopened when the operator recorded the outcome, opens nothing after it", async () => {
		const kiosk = await staffAccount(server.origin, cookie, 'kiosk', 'hubei');
		const kioskCall = async (path: string, body?: object) => {
			const r = await fetch(`${server.origin}${path}`, {
				method: body ? 'POST' : 'GET',
				headers: { cookie: kiosk, origin: server.origin, 'content-type': 'application/json' },
				body: body ? JSON.stringify(body) : undefined
			});
			return (await r.json()) as { sessionId: string; link: string; status: string };
		};
		for (const decision of ['confirmed', 'rejected'] as const) {
			const idNumber = await registerCandidate(server.origin, 'hubei');
			// The QR code the kiosk shows stays on its screen: whoever photographs it has the token.
			const started = await kioskCall('/api/kiosk/sessions', { idNumber });
			await kioskCall(`/api/kiosk/sessions/${started.sessionId}/attest`, {
				decision,
				comment: '现场核验',
				password: staffPassword('kiosk', 'hubei')
			});
			const token = started.link.split('/m/')[1];
			const stranger = await generateDeviceKey();
			const opened = await open(token, await exportPublicKey(stranger.publicKey));
			expect(opened.status).toBe(410);
			expect(opened.body.error?.code).toBe('session_recorded');
			expect(opened.body.challenge).toBeUndefined();
			// The recorded session keeps its outcome: it is not turned back into one a phone is working on.
			expect((await kioskCall(`/api/kiosk/sessions/${started.sessionId}`)).status).toBe(decision);
		}
	});
});
