// SMS: the code login (Beijing), its limits, and the HTTP gateway adapter against a live local receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db/index.ts';
import { openPhoneLink } from '../../src/lib/server/services/sessions.ts';
import { requestSmsCode, verifySmsCode } from '../../src/lib/server/services/sms-login.ts';
import { httpGatewaySender } from '../../src/lib/server/sms/http.ts';
import { outboxSender } from '../../src/lib/server/sms/outbox.ts';
import { successMessage } from '../../src/lib/server/sms/index.ts';
import { exportPublicKey, generateDeviceKey } from '../../src/lib/core/bundle/sign.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { smsGateway } from './sms-gateway.ts';
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
	// Each test types from an address of its own (the per-address limit is shared by every sign-in from it).
	const typed = (idNumber: string, phone: string, client: string) =>
		({ idNumber, phone, purpose: 'sms-code', client }) as const;
	// One instant mid-hour and mid-minute: a test's requests fall in one window of each limit.
	const at = (offsetMs = 0) =>
		new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 1_800_000 + 30_000 + offsetMs);

	it('Beijing code login: the right code once starts a session; wrong, reused, sixth and expired guesses fail, each with its own message', async () => {
		const c = await registerCandidate(db, { province: 'beijing', phone: '13811110001' });
		const sms = outboxSender(db);
		const me = typed(c.idNumber, '13811110001', '10.1.0.1');
		const sent = await requestSmsCode(db, sms, me, at());
		expect(sent.phone).toBe('138****0001');
		const code = await lastCode('13811110001');
		const wrong = code === '000000' ? '111111' : '000000';
		await expect(verifySmsCode(db, me, wrong, at())).rejects.toMatchObject({
			code: 'wrong_code',
			zh: '验证码错误，还可以再试 4 次'
		});
		const session = await verifySmsCode(db, me, code, at());
		const opened = await openPhoneLink(
			db,
			session.token,
			await exportPublicKey((await generateDeviceKey()).publicKey),
			at()
		);
		expect(opened.record.idNumber).toBe(c.idNumber);
		expect(opened.record.phone).toBe('138****0001');
		await expect(verifySmsCode(db, me, code, at())).rejects.toMatchObject({ code: 'code_expired' });
		// Five wrong guesses burn a code, even if the sixth is right.
		await requestSmsCode(db, sms, me, at(61_000));
		const fresh = await lastCode('13811110001');
		const other = fresh === '000000' ? '111111' : '000000';
		for (let i = 0; i < 4; i++)
			await expect(verifySmsCode(db, me, other, at(61_000))).rejects.toMatchObject({ code: 'wrong_code' });
		await expect(verifySmsCode(db, me, other, at(61_000))).rejects.toMatchObject({
			code: 'too_many_guesses'
		});
		await expect(verifySmsCode(db, me, fresh, at(61_000))).rejects.toMatchObject({
			code: 'too_many_guesses'
		});
		// An expired code fails.
		await requestSmsCode(db, sms, me, at(122_000));
		await expect(
			verifySmsCode(db, me, await lastCode('13811110001'), at(122_000 + 6 * 60_000))
		).rejects.toMatchObject({ code: 'code_expired' });
	});

	it('codes per ID number and phone number are limited, resends wait; another province gets guidance, not a code', async () => {
		const c = await registerCandidate(db, { province: 'beijing', phone: '13811110002' });
		const sms = outboxSender(db);
		const me = typed(c.idNumber, '13811110002', '10.1.0.2');
		await requestSmsCode(db, sms, me, at());
		await expect(requestSmsCode(db, sms, me, at(1000))).rejects.toMatchObject({
			status: 429,
			code: 'resend_too_soon'
		});
		for (let i = 1; i < 5; i++) await requestSmsCode(db, sms, me, at(i * 61_000));
		await expect(requestSmsCode(db, sms, me, at(5 * 61_000))).rejects.toMatchObject({
			status: 429,
			code: 'too_many_codes'
		});
		// A stranger with a wrong phone number does not use up the candidate's codes.
		await requestSmsCode(db, sms, typed(c.idNumber, '13700000000', '10.1.0.3'), at(6 * 61_000));
		// A Hubei candidate on the phone sign-in: the same answer, and their phone says where to go instead.
		const hubei = await registerCandidate(db, { province: 'hubei', phone: '13811110004' });
		const answer = await requestSmsCode(db, sms, typed(hubei.idNumber, '13811110004', '10.1.0.4'), at());
		expect(answer).toMatchObject({ sent: true, phone: '138****0004' });
		const guidance = await db
			.selectFrom('sms_outbox')
			.select('body')
			.where('phone', '=', '13811110004')
			.executeTakeFirstOrThrow();
		expect(guidance.body).toContain('电脑');
		expect(guidance.body).not.toMatch(/\d{6}/);
	});

	it('the HTTP gateway gets the full text with the bearer token; only the redacted text is logged', async () => {
		let fail = false;
		const gateway = smsGateway(() => (fail ? 'fail' : 'ok'));
		const got = gateway.requests;
		const url = await gateway.listen();
		try {
			const sender = httpGatewaySender(db, { url, token: 'gw-token' });
			await sender.send(successMessage('13811110003', '王五', '112600000999', '12345678'));
			expect(got[0].auth).toBe('Bearer gw-token');
			expect(got[0].body).toMatchObject({ to: '13811110003' });
			expect(got[0].body.text).toContain('12345678');
			// A message without an id goes without one; with one, in the body and as the Idempotency-Key.
			expect(got[0].key).toBeUndefined();
			expect(got[0].body.id).toBeUndefined();
			fail = true;
			await expect(
				sender.send({
					...successMessage('13811110003', '王五', '112600000999', '87654321'),
					id: 'password-7'
				})
			).rejects.toThrow(/503/);
			expect(got[1].key).toBe('password-7');
			expect(got[1].body).toMatchObject({ id: 'password-7', to: '13811110003' });
		} finally {
			await gateway.close();
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
