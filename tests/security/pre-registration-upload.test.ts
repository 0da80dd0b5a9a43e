// A Fujian candidate signed in on the registration site's page uploads pre-registration photos, as a scripted
// client can. A refused upload is answered with its reasons and, when one can be made, a processed photo made with
// the server's engines: what a file may make the server decode for that is bounded, and so is how often. On a
// shared computer its sign-out ends the sign-in on the server, not only in that browser.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOverHttp, hubeiRecord, type ServerProcess } from '../integration/server-process.ts';
import { newIdNumber } from '../integration/support.ts';
import { testServer } from '../integration/test-server.ts';
import { RATE_RULES } from '../../src/lib/server/services/rate-limit.ts';

let server: ServerProcess;
let close: () => Promise<void>;
let serial = 0;

beforeAll(async () => {
	({ server, close } = await testServer(3280, { ADDRESS_HEADER: 'x-forwarded-for', ZV_DEV_PAGES: '1' }));
}, 180_000);
afterAll(() => close?.());

/** A new Fujian candidate (no reference photo) signed in on /pc: the pre-registration cookie. */
async function signedInFujianCandidate(): Promise<string> {
	const idNumber = newIdNumber('350102');
	const phone = `139${idNumber.slice(-9, -1)}`;
	const address = `198.51.100.${100 + serial++}`;
	const record = { ...hubeiRecord(idNumber, '福州市鼓楼区', false), province: 'fujian', phone };
	await registerOverHttp(server.origin, [record]);
	const headers = { origin: server.origin, 'x-forwarded-for': address };
	const asked = await fetch(`${server.origin}/api/login/sms/request`, {
		method: 'POST',
		headers: { ...headers, 'content-type': 'application/json' },
		body: JSON.stringify({ idNumber, phone, purpose: 'pc-qr' })
	});
	expect(asked.status).toBe(200);
	const outbox = await fetch(`${server.origin}/dev/outbox`).then((r) => r.text());
	const mine = outbox.split('<li>').find((item) => item.includes(`<strong>${phone}</strong>`));
	const code = /验证码为\s*(\d{6})/.exec(mine ?? '')?.[1];
	expect(code, 'a sign-in code in the outbox').toBeDefined();
	const started = await fetch(`${server.origin}/pc?/start`, {
		method: 'POST',
		headers: {
			...headers,
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		},
		body: new URLSearchParams({ idNumber, phone, code: code! }).toString()
	});
	const cookie = started.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.find((c) => c.startsWith('zv_prereg='));
	expect(cookie, 'the pre-registration cookie').toBeDefined();
	return cookie!;
}

async function upload(cookie: string, bytes: Uint8Array, type = 'image/jpeg') {
	const form = new FormData();
	form.append('photo', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), 'photo.jpg');
	const r = await fetch(`${server.origin}/api/pre-registration/photo`, {
		method: 'POST',
		headers: { cookie, origin: server.origin },
		body: form
	});
	const body = (await r.json()) as {
		error?: { code: string };
		reasons?: { code: string }[];
		processed?: string;
	};
	return { status: r.status, body };
}

/** The server process's resident memory now, in MiB (Linux). */
const rssMiB = () =>
	Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))![1]) / 1024;

/** The server process's peak resident memory so far, in MiB (Linux). */
function peakMemoryMiB(): number {
	const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
	return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

describe('pre-registration uploads a candidate sends', () => {
	it('a 31 KB PNG of 16000x16000 pixels is refused with its reasons, never decoded whole', async () => {
		const cookie = await signedInFujianCandidate();
		const bomb = await sharp({ create: { width: 16_000, height: 16_000, channels: 3, background: '#000' } })
			.toColourspace('b-w')
			.png({ compressionLevel: 9, palette: true, colours: 2 })
			.toBuffer();
		expect(bomb.length).toBeLessThan(64 * 1024);
		const before = peakMemoryMiB();
		const answer = await upload(cookie, bomb);
		expect(answer.status).toBe(422);
		expect(answer.body.reasons?.map((r) => r.code)).toContain('FILE_NOT_JPEG');
		expect(answer.body.processed).toBeUndefined();
		// Decoded whole it is 256 MP, a gigabyte in RGBA: the server's peak must not have moved by a fraction of it.
		expect(peakMemoryMiB() - before).toBeLessThan(200);
	}, 120_000);

	it('49 MP PNGs sent at once are processed one at a time, one per candidate, the others refused at once', async () => {
		// 150 KB each, 49 MP: under the 50 MP a phone still may have, so a processed photo is attempted from each.
		const still = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#4a7ebb' } })
			.png({ compressionLevel: 9 })
			.toBuffer();
		const cookies = [
			await signedInFujianCandidate(),
			await signedInFujianCandidate(),
			await signedInFujianCandidate()
		];
		// Warm: the face engine and the person segmenter load on the first processed photo, and that is not the attack.
		expect((await upload(await signedInFujianCandidate(), still)).status).toBe(422);
		const before = rssMiB();
		let peak = before;
		const sampler = setInterval(() => (peak = Math.max(peak, rssMiB())), 5);
		const answers = await Promise.all(cookies.flatMap((c) => [upload(c, still), upload(c, still)])).finally(
			() => clearInterval(sampler)
		);
		const codes = answers.map((a) => a.body.error?.code).sort();
		expect(codes).toEqual([...Array(3).fill('photo_rejected'), ...Array(3).fill('upload_in_progress')]);
		// One at a time ~100 MB; six at once took 325 MB more (and held another client's request up to 5 s).
		expect(peak - before, `the server's memory rose by ${(peak - before).toFixed(0)} MiB`).toBeLessThan(160);
		const me = await fetch(`${server.origin}/api/staff/me`);
		expect(me.status).toBe(401);
	}, 300_000);

	it('refused uploads are limited per candidate, each costing the server its checks', async () => {
		const cookie = await signedInFujianCandidate();
		// A small JPEG every rule refuses (its size, its dimensions), quick to check.
		const small = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#4a7ebb' } })
			.jpeg()
			.toBuffer();
		const statuses: number[] = [];
		for (let i = 0; i <= RATE_RULES.preRegistrationChecks.limit; i++)
			statuses.push((await upload(cookie, small)).status);
		expect(statuses.slice(0, -1).every((s) => s === 422)).toBe(true);
		expect(statuses.at(-1)).toBe(429);
	}, 120_000);
});

/** A /pc form action posted as a browser without script does: SvelteKit answers with a redirect, not JSON. */
const postAction = (action: 'signOut' | 'qr', cookie: string) =>
	fetch(`${server.origin}/pc?/${action}`, {
		method: 'POST',
		headers: {
			cookie,
			origin: server.origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: '',
		redirect: 'manual'
	});

describe('a candidate signed in on a shared computer', () => {
	it('signs out, and the sign-in ends on the server: the cookie left behind or copied no longer works', async () => {
		const cookie = await signedInFujianCandidate();
		const small = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#4a7ebb' } })
			.jpeg()
			.toBuffer();
		// Signed in: an upload is checked (and refused for its size), the page shows the candidate's state.
		expect((await upload(cookie, small)).status).toBe(422);
		const page = (c: string) =>
			fetch(`${server.origin}/pc`, { headers: { cookie: c } }).then((r) => r.text());
		expect(await page(cookie)).toContain('data-testid="pc-sign-out"');

		const out = await postAction('signOut', cookie);
		expect(out.status).toBe(303);
		expect(out.headers.getSetCookie().some((c) => /^zv_prereg=;/.test(c) && /Max-Age=0/i.test(c))).toBe(true);

		// The next person at the computer, or whoever copied the cookie, sends it again.
		const after = await upload(cookie, small);
		expect(after.status).toBe(401);
		expect(after.body.error?.code).toBe('not_signed_in');
		const signedOutPage = await page(cookie);
		expect(signedOutPage).not.toContain('data-testid="pc-sign-out"');
		expect(signedOutPage).toContain('用短信验证码登录后生成手机扫码二维码');
		const qr = await postAction('qr', cookie);
		expect(qr.status).toBe(303);
		expect(qr.headers.get('location')).toBe('/pc');
	}, 120_000);
});
