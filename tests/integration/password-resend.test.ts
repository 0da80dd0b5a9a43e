// A server killed while the gateway holds its password SMS (issue 19 item 5): the gateway may have delivered it, the
// server never heard, and after the lease the next server sends the job again. Every attempt must be the same
// message (same password, same id), so a gateway that honours the id delivers it once and the password that arrives
// is the one stored. The gateway here is a local HTTP server that records every request and delivers the first of
// each Idempotency-Key (a request without one is always delivered). Runs the built server (`npx vite build`), with a
// pepper as a deployment has it, on PostgreSQL only: the test reads the job while the second instance runs, which
// PGlite (one process) does not allow; the sending code is the same on both.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/index.ts';
import { parsePeppers, verifyPassword } from '../../src/lib/server/passwords.ts';
import { fixture } from '../support/fixtures.ts';
import { testDatabase } from './db.ts';
import { smsGateway } from './sms-gateway.ts';
import {
	adminCookie,
	hubeiRecord,
	pickPort,
	preparePhone,
	registerOverHttp,
	startServer
} from './server-process.ts';
import { newIdNumber } from './support.ts';

const photo = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));
const PEPPER = randomBytes(32).toString('base64');

describe.skipIf(!process.env.DATABASE_URL)('a server killed mid-send (PostgreSQL)', () => {
	/**
	 * Confirms a Hubei candidate through one server, kills it while the gateway holds its password SMS, and lets a
	 * second server (with `secondPepper`) send the job again after the lease; answers what the gateway got and the
	 * password hash stored once the job is marked sent. A database of its own: the candidates of two calls have the
	 * same face, and the second would be held as a duplicate identity, with no password.
	 */
	async function killMidSend(secondPepper: string) {
		const database = await testDatabase();
		// The first send is held unanswered: the server dies waiting for it.
		const sms = smsGateway((index) => (index === 0 ? 'hold' : 'ok'));
		const smsEnv = {
			ZV_PASSWORD_PEPPER: PEPPER,
			ZV_SMS_MODE: 'http',
			DATABASE_URL: database.url!,
			ZV_SMS_GATEWAY_URL: await sms.listen()
		};
		const port = await pickPort(3400, 400);
		let server = await startServer(port, smsEnv);
		try {
			const idNumber = newIdNumber();
			await registerOverHttp(server.origin, [hubeiRecord(idNumber)]);
			const phone = await preparePhone(server.origin, await adminCookie(server.origin), idNumber, photo);
			const answer = await fetch(`${server.origin}/api/phone/submit`, {
				method: 'POST',
				body: phone.form(),
				headers: { origin: server.origin }
			});
			expect(answer.status).toBe(200);
			// After the duplicate sweep the job sends the password; the gateway holds it and the server dies waiting.
			await sms.waitFor(1, 60_000);
			await server.kill();
			// The next instance takes the job over once the dead one's lease has run out, and sends it again.
			server = await startServer(port, { ...smsEnv, ZV_PASSWORD_PEPPER: secondPepper });
			await sms.waitFor(2, 90_000);
			const handle = await openDatabase({ url: database.url! });
			try {
				const job = () =>
					handle.db
						.selectFrom('candidates')
						.innerJoin('password_jobs', 'password_jobs.candidate_id', 'candidates.id')
						.select(['candidates.password_hash', 'password_jobs.sent_at'])
						.where('candidates.id_number', '=', idNumber)
						.executeTakeFirstOrThrow();
				// The gateway answered the second request: the instance marks the job sent.
				for (let waited = 0; !(await job()).sent_at; waited += 200) {
					if (waited > 30_000) throw new Error('the job was never marked sent');
					await new Promise((r) => setTimeout(r, 200));
				}
				return {
					requests: [...sms.requests],
					delivered: sms.delivered(),
					stored: (await job()).password_hash!
				};
			} finally {
				await handle.close();
			}
		} finally {
			await server.stop().catch(() => undefined);
			await sms.close();
			await database.close();
		}
	}
	const passwordIn = (text: string) => /初始密码：(\d{8})/.exec(text)![1];

	it(
		'the password SMS is sent again as the same message, delivered once, and its password is the one stored',
		{ timeout: 240_000 },
		async () => {
			const { requests, delivered, stored } = await killMidSend(PEPPER);
			expect(requests).toHaveLength(2);
			const [first, again] = requests;
			expect(first.body.text).toMatch(/初始密码：\d{8}/);
			// The same password again (a new one would replace the stored hash of the one that may have arrived)…
			expect(again.body.text).toBe(first.body.text);
			// …as the same message, which the gateway can tell.
			expect(first.key).toBeTruthy();
			expect(again.key).toBe(first.key);
			expect(again.body).toEqual(first.body);
			expect(delivered).toHaveLength(1);
			expect(await verifyPassword(passwordIn(delivered[0].text), stored, parsePeppers(PEPPER))).toBe(true);
		}
	);

	it(
		'a key rotated between the two sends makes the second another message (its own id and password), the one stored',
		{ timeout: 240_000 },
		async () => {
			const rotated = `${randomBytes(32).toString('base64')},${PEPPER}`;
			const { requests, delivered, stored } = await killMidSend(rotated);
			expect(requests).toHaveLength(2);
			const [first, again] = requests;
			// Under the same id the gateway would drop the new password and keep the old one, whose hash is replaced.
			expect(again.key).toBeTruthy();
			expect(again.key).not.toBe(first.key);
			expect(delivered).toHaveLength(2);
			const peppers = parsePeppers(rotated);
			expect(await verifyPassword(passwordIn(again.body.text), stored, peppers)).toBe(true);
			expect(await verifyPassword(passwordIn(first.body.text), stored, peppers)).toBe(false);
		}
	);
});
