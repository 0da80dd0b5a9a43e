// The office changes a candidate's phone number on the record (the old one was lost, stolen, or handed back to the
// carrier and given to someone else). The attack: whoever holds the old number asked for a sign-in code just
// before the change, or had signed in on the registration site's page with one, and goes on with it afterwards.
// What the old phone was given must end with the change: its unused codes, the registration-site sign-ins, and the
// sessions started online.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOverHttp, hubeiRecord, type ServerProcess } from '../integration/server-process.ts';
import { newIdNumber } from '../integration/support.ts';
import { testServer } from '../integration/test-server.ts';
import { exportPublicKey, generateDeviceKey } from '../../src/lib/core/bundle/sign.ts';

let server: ServerProcess;
let close: () => Promise<void>;
let serial = 0;

beforeAll(async () => {
	({ server, close } = await testServer(3290, {
		ADDRESS_HEADER: 'x-forwarded-for',
		ZV_DEV_PAGES: '1',
		// A second code a second after the first, as an attacker who waited out the resend would have one.
		ZV_SMS_RESEND_SECONDS: '1'
	}));
}, 180_000);
afterAll(() => close?.());

/** Each request from an address of its own, so no per-address limit is the one met. */
const headers = () => ({
	origin: server.origin,
	'content-type': 'application/json',
	'x-forwarded-for': `198.51.100.${10 + serial++}`
});

/** Asks for a code for `purpose` and reads it from the development outbox, as the phone `phone` receives it. */
async function codeSentTo(idNumber: string, phone: string, purpose: 'sms-code' | 'pc-qr'): Promise<string> {
	const asked = await fetch(`${server.origin}/api/login/sms/request`, {
		method: 'POST',
		headers: headers(),
		body: JSON.stringify({ idNumber, phone, purpose })
	});
	expect(asked.status).toBe(200);
	const outbox = await fetch(`${server.origin}/dev/outbox`).then((r) => r.text());
	const mine = outbox
		.split('<li>')
		.filter((item) => item.includes(`<strong>${phone}</strong>`))
		.at(0);
	const code = /验证码为\s*(\d{6})/.exec(mine ?? '')?.[1];
	expect(code, `a sign-in code for ${phone} in the outbox`).toBeDefined();
	return code!;
}

async function verify(idNumber: string, phone: string, code: string) {
	const r = await fetch(`${server.origin}/api/login/sms/verify`, {
		method: 'POST',
		headers: headers(),
		body: JSON.stringify({ idNumber, phone, code, purpose: 'sms-code' })
	});
	return { status: r.status, body: (await r.json()) as { link?: string; error?: { code: string } } };
}

/** Opens a phone link as the phone does, with a key of its own. */
async function openLink(link: string) {
	const key = await generateDeviceKey();
	const r = await fetch(`${server.origin}/api/phone/open`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ token: link.split('/m/')[1], publicKey: await exportPublicKey(key.publicKey) })
	});
	return { status: r.status, body: (await r.json()) as { sessionId?: string; error?: { code: string } } };
}

describe('a phone number changed on the record', () => {
	it('ends the codes sent to the old number and the sessions they started; the new number signs in', async () => {
		const idNumber = newIdNumber('110105');
		const oldPhone = `139${idNumber.slice(-9, -1)}`;
		const newPhone = `137${idNumber.slice(-9, -1)}`;
		const record = { ...hubeiRecord(idNumber), province: 'beijing' };
		await registerOverHttp(server.origin, [{ ...record, phone: oldPhone }]);
		// Before the change, the old number's holder signs in once (a link not opened yet) and asks for one more code.
		const started = await verify(idNumber, oldPhone, await codeSentTo(idNumber, oldPhone, 'sms-code'));
		expect(started.status, JSON.stringify(started.body)).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 1_100));
		const oldCode = await codeSentTo(idNumber, oldPhone, 'sms-code');

		await registerOverHttp(server.origin, [{ ...record, phone: newPhone }]);
		const refused = await verify(idNumber, oldPhone, oldCode);
		expect(refused.status, JSON.stringify(refused.body)).toBe(410);
		expect(refused.body.error?.code).toBe('code_expired');
		expect(refused.body.link).toBeUndefined();
		const opened = await openLink(started.body.link!);
		expect(opened.status, JSON.stringify(opened.body)).toBe(410);
		expect(opened.body.error?.code).toBe('session_ended');

		const signedIn = await verify(idNumber, newPhone, await codeSentTo(idNumber, newPhone, 'sms-code'));
		expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
		expect(signedIn.body.link).toMatch(/\/m\//);
	}, 60_000);

	it("ends the registration site's sign-ins made with the old number", async () => {
		const idNumber = newIdNumber('350102');
		const oldPhone = `139${idNumber.slice(-9, -1)}`;
		const record = { ...hubeiRecord(idNumber, '福州市鼓楼区', false), province: 'fujian' };
		await registerOverHttp(server.origin, [{ ...record, phone: oldPhone }]);
		const code = await codeSentTo(idNumber, oldPhone, 'pc-qr');
		const started = await fetch(`${server.origin}/pc?/start`, {
			method: 'POST',
			headers: {
				...headers(),
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'application/json',
				'x-sveltekit-action': 'true'
			},
			body: new URLSearchParams({ idNumber, phone: oldPhone, code }).toString()
		});
		const cookie = started.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.find((c) => c.startsWith('zv_prereg='));
		expect(cookie, 'the pre-registration cookie').toBeDefined();
		const page = () => fetch(`${server.origin}/pc`, { headers: { cookie: cookie! } }).then((r) => r.text());
		expect(await page()).toContain('data-testid="pc-sign-out"');

		await registerOverHttp(server.origin, [{ ...record, phone: `137${idNumber.slice(-9, -1)}` }]);
		const after = await page();
		expect(after).not.toContain('data-testid="pc-sign-out"');
		const upload = await fetch(`${server.origin}/api/pre-registration/photo`, {
			method: 'POST',
			headers: { cookie: cookie!, origin: server.origin },
			body: new FormData()
		});
		expect(upload.status).toBe(401);
	}, 60_000);

	it('leaves them alone when the record is sent again with the same number', async () => {
		const idNumber = newIdNumber('110105');
		const phone = `139${idNumber.slice(-9, -1)}`;
		const record = { ...hubeiRecord(idNumber), province: 'beijing', phone };
		await registerOverHttp(server.origin, [record]);
		const started = await verify(idNumber, phone, await codeSentTo(idNumber, phone, 'sms-code'));
		expect(started.status, JSON.stringify(started.body)).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 1_100));
		const code = await codeSentTo(idNumber, phone, 'sms-code');
		await registerOverHttp(server.origin, [{ ...record, address: `${record.address}附1号` }]);
		expect((await openLink(started.body.link!)).status).toBe(200);
		const signedIn = await verify(idNumber, phone, code);
		expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
	}, 60_000);
});
