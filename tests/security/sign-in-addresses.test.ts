// One client asks for sign-in codes from ever new addresses of its own IPv6 /64, as any host given a /64 can (a
// phone on a mobile network, a rented server): the per-address limit (SIGN_IN_RULES.address) bounds what one client
// makes the server send and guess at over many candidates' ID numbers and phones, so it must count that client once,
// not once per address. Another client, IPv6 or IPv4, keeps its own limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubeiRecord, registerOverHttp, type ServerProcess } from '../integration/server-process.ts';
import { newIdNumber, withinOneWindow } from '../integration/support.ts';
import { testServer } from '../integration/test-server.ts';

const PER_ADDRESS = 4;
let server: ServerProcess;
let close: () => Promise<void>;

beforeAll(async () => {
	({ server, close } = await testServer(3320, {
		ADDRESS_HEADER: 'x-forwarded-for',
		ZV_DEV_PAGES: '1',
		ZV_SIGNIN_PER_ADDRESS_HOUR: String(PER_ADDRESS)
	}));
}, 180_000);
afterAll(() => close?.());

/** The sign-in codes sent to these phones, read from the development outbox page. */
async function codesSentTo(phones: string[]): Promise<number> {
	const html = await fetch(`${server.origin}/dev/outbox`).then((r) => r.text());
	return html
		.split('<li>')
		.slice(1)
		.filter(
			(item) => phones.some((phone) => item.includes(`<strong>${phone}</strong>`)) && /验证码为/.test(item)
		).length;
}

/** Beijing candidates (codes by SMS) with phones of their own. */
async function candidates(n: number) {
	const list = Array.from({ length: n }, () => {
		const idNumber = newIdNumber('110105');
		return { idNumber, phone: `137${idNumber.slice(-9, -1)}` };
	});
	await registerOverHttp(
		server.origin,
		list.map(({ idNumber, phone }) => ({
			...hubeiRecord(idNumber, undefined, false),
			province: 'beijing',
			phone
		}))
	);
	return list;
}

const askCode = (c: { idNumber: string; phone: string }, address: string) =>
	fetch(`${server.origin}/api/login/sms/request`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: server.origin, 'x-forwarded-for': address },
		body: JSON.stringify({ idNumber: c.idNumber, phone: c.phone, purpose: 'sms-code' })
	}).then((r) => r.status);

describe('sign-in requests from one IPv6 /64', () => {
	it('count as one client: new addresses of the same /64 get no more codes sent', async () => {
		const targets = await candidates(PER_ADDRESS + 4);
		await withinOneWindow(3_600_000, 60_000);
		const answers: number[] = [];
		// Each from an address of its own in 2001:db8:64:1::/64, written as a proxy may write it.
		for (const [i, target] of targets.entries())
			answers.push(
				await askCode(
					target,
					i % 2 ? `2001:db8:64:1::${(i + 1).toString(16)}` : `2001:0db8:0064:0001:0:0:0:${i + 1}`
				)
			);
		expect(answers.join(','), 'one /64').toBe(
			[...Array(PER_ADDRESS).fill(200), 429, 429, 429, 429].join(',')
		);
		expect(await codesSentTo(targets.map((t) => t.phone))).toBe(PER_ADDRESS);

		// Another /64 and an IPv4 client are not held by it.
		const [other, v4] = await candidates(2);
		expect(await askCode(other, '2001:db8:64:2::1')).toBe(200);
		expect(await askCode(v4, '198.51.100.64')).toBe(200);
	}, 120_000);
});
