// SMS: the code login (Beijing), its limits, and the HTTP gateway adapter against a live local receiver.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db/index.ts';
import { openPhoneLink } from '../../src/lib/server/services/sessions.ts';
import { requestSmsCode, verifySmsCode } from '../../src/lib/server/services/sms-login.ts';
import { httpGatewaySender } from '../../src/lib/server/sms/http.ts';
import { outboxSender } from '../../src/lib/server/sms/outbox.ts';
import { successMessage } from '../../src/lib/server/sms/index.ts';
import { exportPublicKey, generateDeviceKey } from '../../src/lib/core/bundle/sign.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { registerCandidate } from './support.ts';

let handle: TestDatabase;
let db: Db;

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

const lastCode = async (phone: string) => {
	const row = await db
		.selectFrom('sms_outbox')
		.select('body')
		.where('phone', '=', phone)
		.orderBy('id', 'desc')
		.executeTakeFirstOrThrow();
	return /(\d{6})/.exec(row.body)![1];
};

describe(`SMS (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('Beijing code login: the right code once starts a session; wrong, reused and sixth guesses fail', async () => {
		const c = await registerCandidate(db, { province: 'beijing', phone: '13811110001' });
		const sms = outboxSender(db);
		const sent = await requestSmsCode(db, sms, c.idNumber);
		expect(sent.phone).toBe('138****0001');
		const code = await lastCode('13811110001');
		const wrong = code === '000000' ? '111111' : '000000';
		await expect(verifySmsCode(db, c.idNumber, wrong)).rejects.toMatchObject({ code: 'wrong_code' });
		const session = await verifySmsCode(db, c.idNumber, code);
		const opened = await openPhoneLink(
			db,
			session.token,
			await exportPublicKey((await generateDeviceKey()).publicKey)
		);
		expect(opened.record.idNumber).toBe(c.idNumber);
		await expect(verifySmsCode(db, c.idNumber, code)).rejects.toMatchObject({ code: 'wrong_code' });
		// Five wrong guesses burn a code, even if the sixth is right.
		await requestSmsCode(db, sms, c.idNumber);
		const fresh = await lastCode('13811110001');
		const other = fresh === '000000' ? '111111' : '000000';
		for (let i = 0; i < 5; i++)
			await expect(verifySmsCode(db, c.idNumber, other)).rejects.toMatchObject({ code: 'wrong_code' });
		await expect(verifySmsCode(db, c.idNumber, fresh)).rejects.toMatchObject({ code: 'wrong_code' });
		// An expired code fails.
		await requestSmsCode(db, sms, c.idNumber);
		const late = new Date(Date.now() + 6 * 60_000);
		await expect(verifySmsCode(db, c.idNumber, await lastCode('13811110001'), late)).rejects.toMatchObject({
			code: 'wrong_code'
		});
	});

	it('codes per phone are rate-limited, and provinces without SMS login refuse it', async () => {
		const c = await registerCandidate(db, { province: 'beijing', phone: '13811110002' });
		const sms = outboxSender(db);
		// One instant mid-hour: the six requests must fall in one hourly window, even when the run crosses an hour.
		const now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 1_800_000);
		for (let i = 0; i < 5; i++) await requestSmsCode(db, sms, c.idNumber, now);
		await expect(requestSmsCode(db, sms, c.idNumber, now)).rejects.toMatchObject({
			status: 429,
			code: 'rate_limited'
		});
		const hubei = await registerCandidate(db, { province: 'hubei' });
		await expect(requestSmsCode(db, sms, hubei.idNumber)).rejects.toMatchObject({
			code: 'login_not_offered'
		});
	});

	it('the HTTP gateway gets the full text with the bearer token; only the redacted text is logged', async () => {
		const got: { auth?: string; body: string }[] = [];
		let fail = false;
		const server = createServer((req, res) => {
			let body = '';
			req.on('data', (d) => (body += d));
			req.on('end', () => {
				got.push({ auth: req.headers.authorization, body });
				res.statusCode = fail ? 503 : 200;
				res.end();
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		try {
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
			const sender = httpGatewaySender(db, { url, token: 'gw-token' });
			await sender.send(successMessage('13811110003', '王五', '112600000999', '12345678'));
			expect(got[0].auth).toBe('Bearer gw-token');
			expect(JSON.parse(got[0].body)).toMatchObject({ to: '13811110003' });
			expect(JSON.parse(got[0].body).text).toContain('12345678');
			fail = true;
			await expect(
				sender.send(successMessage('13811110003', '王五', '112600000999', '87654321'))
			).rejects.toThrow(/503/);
		} finally {
			server.close();
		}
		const logged = await db
			.selectFrom('sms_outbox')
			.select(['body', 'status'])
			.where('phone', '=', '13811110003')
			.orderBy('id')
			.execute();
		expect(logged.map((l) => l.status)).toEqual(['sent', 'failed']);
		for (const l of logged) {
			expect(l.body).toContain('********');
			expect(l.body).not.toMatch(/12345678|87654321/);
		}
	});
});
