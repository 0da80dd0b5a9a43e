// Attacks a scripted client can make against the built server without the candidate's phone: each test is the attack,
// and it must not work. Sessions start only after a sign-in (SMS code to the phone on record, the registration
// system's bearer token, or a kiosk operator), answers do not tell whether a registration exists, and a stranger
// cannot use up a candidate's attempts or lock out staff from another address.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/lib/core/bundle/sign.ts';
import type { StepResult } from '../../src/lib/core/bundle/schema.ts';
import { fixture } from '../support/fixtures.ts';
import {
	ADMIN_PASSWORD,
	REGISTRATION_TOKEN,
	hubeiRecord,
	preparePhone,
	registerOverHttp,
	type ServerProcess
} from './server-process.ts';
import { LOGIN_FAILURE_RULES } from '../../src/lib/server/services/staff.ts';
import { newIdNumber, withinOneWindow } from './support.ts';
import { testServer } from './test-server.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';

let server: ServerProcess;
let cookie = '';
let close: () => Promise<void>;

beforeAll(async () => {
	// Behind a proxy that reports the client's address, so the tests can come from several addresses.
	({ server, cookie, close } = await testServer(3600, {
		ADDRESS_HEADER: 'x-forwarded-for',
		ZV_DEV_PAGES: '1'
	}));
}, 120_000);
afterAll(() => close?.());

let addressSerial = 1;
/** A client address of its own for each caller, so one test's rate limits do not spill into another's. */
const newAddress = () => `203.0.113.${addressSerial++}`;

const post = (path: string, body: unknown, address = newAddress(), headers: Record<string, string> = {}) =>
	fetch(`${server.origin}${path}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			origin: server.origin,
			'x-forwarded-for': address,
			...headers
		},
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});

/** A SvelteKit form action posted by a script (as `use:enhance` does): the answer is JSON. */
const action = (path: string, fields: Record<string, string>, address = newAddress()) =>
	fetch(`${server.origin}${path}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'application/json',
			'x-sveltekit-action': 'true',
			origin: server.origin,
			'x-forwarded-for': address
		},
		body: new URLSearchParams(fields).toString()
	});

const phoneOf = (idNumber: string) => `139${idNumber.slice(-9, -1)}`;

async function registered(province: 'hubei' | 'beijing' | 'fujian' = 'hubei'): Promise<string> {
	const id = newIdNumber();
	await registerOverHttp(server.origin, [
		{ ...hubeiRecord(id), province, phone: phoneOf(id), address: '湖北省武汉市江岸区解放大道1001号' }
	]);
	return id;
}

/** The newest SMS sent to `phone`, read from the development outbox page. */
async function lastSms(phone: string): Promise<string | null> {
	const html = await fetch(`${server.origin}/dev/outbox`).then((r) => r.text());
	const items = html.split('<li>').slice(1);
	const mine = items.find((item) => item.includes(`<strong>${phone}</strong>`));
	return mine ? /<p>([^<]*)<\/p>/.exec(mine)![1] : null;
}

const codeIn = (sms: string | null) => /验证码为\s*(\d{6})/.exec(sms ?? '')?.[1] ?? null;

const failed = (kind: StepResult['kind']): StepResult => ({
	kind,
	passed: false,
	scores: {},
	reasons: ['timeout'],
	models: [],
	details: {}
});

/** A signed report of a failed liveness step, attempt `n`, from the device holding the session's key. */
const failedLiveness = (
	s: { sessionId: string; challenge: unknown; idNumber: string; privateKey: CryptoKey },
	n: number
) =>
	signPayload(
		{
			version: 1,
			type: 'attempt',
			sessionId: s.sessionId,
			challenge: s.challenge,
			signedAt: new Date().toISOString(),
			candidate: { idNumber: s.idNumber },
			attempt: n,
			step: failed('liveness')
		} as never,
		s.privateKey
	);

describe(`attacks on sign-in and sessions (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('no session without sign-in: the PC page does not hand out a phone link for a bare ID number', async () => {
		const id = await registered('hubei');
		const r = await action('/pc?/start', { idNumber: id });
		expect(await r.text()).not.toMatch(/\/m\/[A-Za-z0-9_-]{16,}/);
		// Nor does the code login with a guessed code, nor the registration API without its token.
		const guessed = await post('/api/login/sms/verify', {
			idNumber: id,
			phone: phoneOf(id),
			code: '123456'
		});
		expect(guessed.status).toBeGreaterThanOrEqual(400);
		const noToken = await post('/api/registration/sessions', { idNumber: id });
		expect(noToken.status).toBe(401);
		const noTokenLink = await post('/api/registration/links', { idNumber: id });
		expect(noTokenLink.status).toBe(401);
	});

	it('a flood of sign-in requests from one address is refused (429) after a few', async () => {
		const address = newAddress();
		const statuses: number[] = [];
		for (let i = 0; i < 80; i++) {
			const id = newIdNumber();
			const r = await post(
				'/api/login/sms/request',
				{ idNumber: id, phone: phoneOf(id), purpose: 'pc-qr' },
				address
			);
			statuses.push(r.status);
		}
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
		expect(statuses.filter((s) => s >= 500)).toEqual([]);
	});

	it('no existence oracle: a registered and an unregistered ID number get the same answer', async () => {
		const known = await registered('hubei');
		const unknown = newIdNumber();
		const answers = [];
		for (const id of [known, unknown]) {
			const r = await post('/api/login/sms/request', { idNumber: id, phone: phoneOf(id), purpose: 'pc-qr' });
			const body = (await r.json()) as Record<string, unknown>;
			answers.push({ status: r.status, keys: Object.keys(body).sort(), phone: body.phone });
		}
		expect(answers[0].status).toBe(200);
		expect(answers[1]).toEqual({ ...answers[0], phone: answers[1].phone });
		// A wrong phone number for a registered candidate is answered the same way too (and nothing is sent).
		const wrongPhone = await post('/api/login/sms/request', {
			idNumber: known,
			phone: '13700000000',
			purpose: 'pc-qr'
		});
		expect(wrongPhone.status).toBe(200);
		// Wrong codes are answered alike whether or not the number is registered.
		const verify = async (id: string) => {
			const r = await post('/api/login/sms/verify', { idNumber: id, phone: phoneOf(id), code: '000001' });
			return { status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code };
		};
		expect(await verify(unknown)).toEqual(await verify(known));
	});

	it('the phone link answers the record with the phone number and address masked', async () => {
		const id = await registered('hubei');
		const started = await fetch(`${server.origin}/api/kiosk/sessions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie, origin: server.origin },
			body: JSON.stringify({ idNumber: id })
		}).then((r) => r.json());
		const { exportPublicKey, generateDeviceKey } = await import('../../src/lib/core/bundle/sign.ts');
		const keys = await generateDeviceKey();
		const opened = await post('/api/phone/open', {
			token: started.link.split('/m/')[1],
			publicKey: await exportPublicKey(keys.publicKey)
		});
		const text = await opened.text();
		expect(opened.status).toBe(200);
		expect(text).not.toContain(phoneOf(id));
		expect(text).not.toContain('解放大道1001号');
		expect(JSON.parse(text).record.phone).toBe(`${phoneOf(id).slice(0, 3)}****${phoneOf(id).slice(-4)}`);
	});

	it('the one-time password is never in an answer: it goes by SMS only, and the answer says where (masked)', async () => {
		const photo = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));
		const id = await registered('hubei');
		const phone = await preparePhone(server.origin, cookie, id, photo);
		const r = await fetch(`${server.origin}/api/phone/submit`, {
			method: 'POST',
			body: phone.form(),
			headers: { origin: server.origin }
		});
		const text = await r.text();
		expect(r.status).toBe(200);
		const body = JSON.parse(text);
		expect(body).not.toHaveProperty('password');
		expect(body.outcome).toBe(FINAL_CHECK);
		// The password job sends the SMS just after the confirmation commits.
		let sms = await lastSms(phoneOf(id));
		for (let i = 0; i < 100 && !sms; i++) {
			await new Promise((r) => setTimeout(r, 100));
			sms = await lastSms(phoneOf(id));
		}
		const password = /密码\D*(\d{8})/.exec(sms ?? '')?.[1];
		expect(password).toBeDefined();
		expect(text).not.toContain(password!);
		expect(body.smsTo).toBe(`${phoneOf(id).slice(0, 3)}****${phoneOf(id).slice(-4)}`);
	});

	it('one live session per candidate: a new session ends the old one and its link', async () => {
		const id = await registered('hubei');
		const first = await preparePhone(server.origin, cookie, id);
		// A second start while the first is open: the first can no longer submit.
		const second = await preparePhone(server.origin, cookie, id);
		const old = await fetch(`${server.origin}/api/phone/submit`, {
			method: 'POST',
			body: first.form(),
			headers: { origin: server.origin }
		});
		expect(old.status).toBe(410);
		expect(((await old.json()) as { error: { code: string } }).error.code).toBe('session_ended');
		expect(second.sessionId).not.toBe(first.sessionId);
		// An unopened link is ended too.
		const unopened = await fetch(`${server.origin}/api/kiosk/sessions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie, origin: server.origin },
			body: JSON.stringify({ idNumber: id })
		}).then((r) => r.json());
		await preparePhone(server.origin, cookie, id);
		const { exportPublicKey, generateDeviceKey } = await import('../../src/lib/core/bundle/sign.ts');
		const late = await post('/api/phone/open', {
			token: unopened.link.split('/m/')[1],
			publicKey: await exportPublicKey((await generateDeviceKey()).publicKey)
		});
		expect(late.status).toBe(410);
	});

	it("a stranger cannot use up a candidate's attempts: five reports need a session only the candidate gets", async () => {
		const id = await registered('beijing');
		// The stranger tries every way to a session that does not need the candidate's phone.
		const stranger = newAddress();
		const viaPc = await action('/pc?/start', { idNumber: id }, stranger);
		const link = /\/m\/([A-Za-z0-9_-]{16,})/.exec(await viaPc.text())?.[1];
		if (link) {
			const { exportPublicKey, generateDeviceKey } = await import('../../src/lib/core/bundle/sign.ts');
			const keys = await generateDeviceKey();
			const opened = (await post(
				'/api/phone/open',
				{ token: link, publicKey: await exportPublicKey(keys.publicKey) },
				stranger
			).then((r) => r.json())) as { sessionId: string; challenge: unknown };
			for (let n = 1; n <= 5; n++) {
				const report = await failedLiveness(
					{
						sessionId: opened.sessionId,
						challenge: opened.challenge,
						idNumber: id,
						privateKey: keys.privateKey
					},
					n
				);
				await post('/api/phone/attempt', report, stranger);
			}
		}
		// Guessing codes without the phone number does not burn the candidate's code either.
		for (let i = 0; i < 6; i++)
			await post('/api/login/sms/verify', { idNumber: id, phone: '13700000000', code: '000000' }, stranger);
		// The candidate, with their phone, still signs in and gets a session.
		const requested = await post('/api/login/sms/request', {
			idNumber: id,
			phone: phoneOf(id),
			purpose: 'sms-code'
		});
		expect(requested.status).toBe(200);
		const code = codeIn(await lastSms(phoneOf(id)));
		expect(code).not.toBeNull();
		const signedIn = await post('/api/login/sms/verify', { idNumber: id, phone: phoneOf(id), code });
		expect(signedIn.status).toBe(200);
		expect(((await signedIn.json()) as { link: string }).link).toMatch(/\/m\//);
	});

	it('ten wrong passwords from one address do not lock the admin out from another', async () => {
		// The limits count in windows of the wall clock: started just before a minute ends, the attacker's
		// failures would fall into two windows and the last try into a fresh one (a CI run saw 200 for 429).
		await withinOneWindow(LOGIN_FAILURE_RULES[0].windowMs, 20_000);
		const attacker = newAddress();
		for (let i = 0; i < 12; i++) {
			await post('/api/staff/login', { username: 'admin', password: `wrong password ${i}` }, attacker);
		}
		const real = await post('/api/staff/login', { username: 'admin', password: ADMIN_PASSWORD });
		expect(real.status).toBe(200);
		// The attacker's address is slowed down for this username.
		const again = await post('/api/staff/login', { username: 'admin', password: ADMIN_PASSWORD }, attacker);
		expect(again.status).toBe(429);
	});

	it('a kiosk operator sees and attests only the sessions they started, and finds candidates by full ID number only', async () => {
		const [one, two] = [await staffCookie('kiosk-one', 'kiosk'), await staffCookie('kiosk-two', 'kiosk')];
		const id = await registered('hubei');
		const started = (await fetch(`${server.origin}/api/kiosk/sessions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: one, origin: server.origin },
			body: JSON.stringify({ idNumber: id })
		}).then((r) => r.json())) as { sessionId: string };
		const mine = await fetch(`${server.origin}/api/kiosk/sessions/${started.sessionId}`, {
			headers: { cookie: one }
		});
		expect(mine.status).toBe(200);
		const theirs = await fetch(`${server.origin}/api/kiosk/sessions/${started.sessionId}`, {
			headers: { cookie: two }
		});
		expect(theirs.status).toBe(404);
		// Told as a session that does not exist is told: the operator learns nothing of it.
		const none = await fetch(`${server.origin}/api/kiosk/sessions/${randomUUID()}`, {
			headers: { cookie: two }
		});
		const refusal = await none.json();
		expect(refusal.error.code).toBe('unknown_session');
		expect(await theirs.json()).toEqual(refusal);
		// Nor can another operator confirm the candidate on site in a session they did not start.
		const attestTheirs = await fetch(`${server.origin}/api/kiosk/sessions/${started.sessionId}/attest`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: two, origin: server.origin },
			body: JSON.stringify({ decision: 'confirmed', comment: 'not my session' })
		});
		expect(attestTheirs.status).toBe(404);
		expect(await attestTheirs.json()).toEqual(refusal);
		const attestNone = await fetch(`${server.origin}/api/kiosk/sessions/not-a-session/attest`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: two, origin: server.origin },
			body: JSON.stringify({ decision: 'confirmed', comment: 'no such session' })
		});
		expect([attestNone.status, await attestNone.json()]).toEqual([404, refusal]);
		const byName = await fetch(`${server.origin}/api/kiosk/candidates?q=${encodeURIComponent('接口')}`, {
			headers: { cookie: two }
		}).then((r) => r.json());
		expect(byName.candidates ?? []).toEqual([]);
		const byPrefix = await fetch(`${server.origin}/api/kiosk/candidates?q=${id.slice(0, 10)}`, {
			headers: { cookie: two }
		}).then((r) => r.json());
		expect(byPrefix.candidates ?? []).toEqual([]);
		const byId = await fetch(`${server.origin}/api/kiosk/candidates?q=${id}`, {
			headers: { cookie: two }
		}).then((r) => r.json());
		expect(byId.candidates.map((c: { idNumber: string }) => c.idNumber)).toEqual([id]);
	});

	it('JSON nested 20,000 deep is refused with 400, not a 500, on every JSON entry point', async () => {
		const deep = '['.repeat(20_000) + ']'.repeat(20_000);
		const id = await registered('hubei');
		const phone = await preparePhone(server.origin, cookie, id);
		// A well-formed bundle for a real session, with the deep value where free-form device details go.
		const bundle = JSON.parse(String(phone.form().get('bundle')));
		const text = JSON.stringify(bundle).replace('"device":{}', `"device":{"deep":${deep}}`);
		expect(text).toContain('"deep":[[[');
		const form = new FormData();
		form.set('bundle', text);
		const submit = await fetch(`${server.origin}/api/phone/submit`, {
			method: 'POST',
			body: form,
			headers: { origin: server.origin }
		});
		expect(submit.status).toBe(400);
		const report = `{"payload":{"sessionId":"${phone.sessionId}","device":{"deep":${deep}}},"signature":"x","alg":"ES256"}`;
		for (const path of [
			'/api/phone/attempt',
			'/api/phone/review',
			'/api/phone/challenge/extend',
			'/api/phone/status'
		]) {
			const r = await post(path, report);
			expect(r.status, path).toBe(400);
		}
		for (const path of ['/api/phone/open', '/api/login/sms/request', '/api/staff/login']) {
			const r = await post(path, `{"token":${deep}}`);
			expect(r.status, path).toBe(400);
		}
	});

	it('staff cookies are Secure and HSTS is sent when the proxy says the request came over HTTPS', async () => {
		// A server that learns its origin from the proxy's headers (no ORIGIN), as behind a TLS-terminating proxy.
		const proxied = await testServer(3600, {
			ORIGIN: undefined as never,
			PROTOCOL_HEADER: 'x-forwarded-proto'
		});
		try {
			const login = (proto: string) =>
				fetch(`${proxied.server.origin}/api/staff/login`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'x-forwarded-proto': proto },
					body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD })
				});
			const secure = await login('https');
			expect(secure.status).toBe(200);
			expect(secure.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
			expect(secure.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
			const plain = await login('http');
			expect(plain.status).toBe(200);
			expect(plain.headers.get('strict-transport-security')).toBeNull();
		} finally {
			await proxied.close();
		}
	});

	it('registration API: a one-time link for a signed-in candidate (pc-qr) and a link by SMS (app-link)', async () => {
		const id = await registered('hubei');
		const auth = { authorization: `Bearer ${REGISTRATION_TOKEN}` };
		const session = await post('/api/registration/sessions', { idNumber: id }, newAddress(), auth);
		expect(session.status).toBe(200);
		expect(((await session.json()) as { link: string }).link).toMatch(/\/m\//);
		const sent = await post('/api/registration/links', { idNumber: id }, newAddress(), auth);
		expect(sent.status).toBe(200);
		const body = (await sent.json()) as Record<string, unknown>;
		expect(body).not.toHaveProperty('link');
		expect(body.phone).toBe(`${phoneOf(id).slice(0, 3)}****${phoneOf(id).slice(-4)}`);
		expect(await lastSms(phoneOf(id))).toMatch(/\/m\/[A-Za-z0-9_-]{16,}/);
	});
});

/** A new staff account, created by the seeded admin and signed in: its cookie. */
async function staffCookie(username: string, role: 'kiosk' | 'reviewer', province = 'hubei') {
	const password = `${role} password 123`;
	const created = await fetch(`${server.origin}/api/staff/users`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie, origin: server.origin },
		body: JSON.stringify({ username, role, password, province })
	});
	expect(created.status, await created.text()).toBe(201);
	const r = await post('/api/staff/login', { username, password });
	return r.headers.get('set-cookie')!.split(';')[0];
}

describe(`failure limits (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it("a used-up limit sends the candidate to review with a reason; the province's reviewer gives the attempts back", async () => {
		const id = await registered('hubei');
		const phone = await preparePhone(server.origin, cookie, id);
		const report = (n: number) => failedLiveness(phone, n);
		const answers = [];
		for (let n = 1; n <= 3; n++)
			answers.push(await (await post('/api/phone/attempt', await report(n))).json());
		expect(answers[2]).toMatchObject({ attemptsLeft: 0, next: ['manual_review', 'on_site'] });
		const auth = { authorization: `Bearer ${REGISTRATION_TOKEN}` };
		const blocked = await post('/api/registration/sessions', { idNumber: id }, newAddress(), auth);
		expect(blocked.status).toBe(403);
		// Without a reason, from a kiosk account, or from another province's reviewer, nothing is reset.
		const resetBy = (who: string, body: object) =>
			fetch(`${server.origin}/api/staff/attempts-reset`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', cookie: who, origin: server.origin },
				body: JSON.stringify(body)
			});
		expect((await resetBy(cookie, { idNumber: id })).status).toBe(400);
		const reason = '考生来电，确认为网络问题';
		const kiosk = await staffCookie('reset-kiosk', 'kiosk');
		expect((await resetBy(kiosk, { idNumber: id, reason })).status).toBe(403);
		const fujianReviewer = await staffCookie('reset-fujian-reviewer', 'reviewer', 'fujian');
		expect((await resetBy(fujianReviewer, { idNumber: id, reason })).status).toBe(404);
		expect((await post('/api/registration/sessions', { idNumber: id }, newAddress(), auth)).status).toBe(403);
		const reset = await resetBy(await staffCookie('reset-reviewer', 'reviewer'), { idNumber: id, reason });
		expect(reset.status).toBe(200);
		expect(await reset.json()).toEqual({ idNumber: id, failures: 0 });
		const again = await post('/api/registration/sessions', { idNumber: id }, newAddress(), auth);
		expect(again.status).toBe(200);
	});
});
