// Someone who knows a candidate's ID number and phone number asks for sign-in codes, as a scripted client can:
// the codes per ID number and phone in an hour (SIGN_IN_RULES.codes) bound both what the candidate's phone receives
// and how many codes can be guessed at. Asking alternately for the phone's sign-in and the PC page's (a Beijing
// candidate is sent a real code for either) must not double them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOverHttp, hubeiRecord, type ServerProcess } from '../integration/server-process.ts';
import { newIdNumber, withinOneWindow } from '../integration/support.ts';
import { testServer } from '../integration/test-server.ts';

const CODES_PER_HOUR = 3;
let server: ServerProcess;
let close: () => Promise<void>;

beforeAll(async () => {
	({ server, close } = await testServer(3270, {
		ADDRESS_HEADER: 'x-forwarded-for',
		ZV_DEV_PAGES: '1',
		ZV_SIGNIN_CODES_PER_HOUR: String(CODES_PER_HOUR),
		// One code a second at most, so the hourly limit is the one met.
		ZV_SMS_RESEND_SECONDS: '1'
	}));
}, 180_000);
afterAll(() => close?.());

/** The sign-in codes sent to `phone`, read from the development outbox page. */
async function codesSentTo(phone: string): Promise<number> {
	const html = await fetch(`${server.origin}/dev/outbox`).then((r) => r.text());
	return html
		.split('<li>')
		.slice(1)
		.filter((item) => item.includes(`<strong>${phone}</strong>`) && /验证码为/.test(item)).length;
}

describe('sign-in codes for one ID number and phone', () => {
	it('are limited over both sign-ins together, not per sign-in', async () => {
		const idNumber = newIdNumber('110105');
		const phone = `139${idNumber.slice(-9, -1)}`;
		await registerOverHttp(server.origin, [{ ...hubeiRecord(idNumber), province: 'beijing', phone }]);
		await withinOneWindow(3_600_000, 60_000);
		const answers: number[] = [];
		for (let i = 0; i < 2 * CODES_PER_HOUR + 2; i++) {
			await new Promise((resolve) => setTimeout(resolve, 1_100));
			const r = await fetch(`${server.origin}/api/login/sms/request`, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					origin: server.origin,
					// From addresses of its own each, so the per-address limit is not the one met.
					'x-forwarded-for': `198.51.100.${60 + i}`
				},
				body: JSON.stringify({ idNumber, phone, purpose: i % 2 ? 'sms-code' : 'pc-qr' })
			});
			answers.push(r.status);
		}
		expect(await codesSentTo(phone), answers.join(',')).toBe(CODES_PER_HOUR);
		expect(answers.filter((status) => status === 429)).toHaveLength(CODES_PER_HOUR + 2);
	}, 120_000);
});
