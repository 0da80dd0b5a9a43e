// Two built server processes on one PostgreSQL, as a province scales out behind a balancer (issue 19 item 5): what
// one instance starts the other finishes, and limits count across both. PostgreSQL only: PGlite is one process by
// construction. Needs `npx vite build`.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import {
	adminCookie,
	hubeiRecord,
	pickPort,
	preparePhone,
	registerOverHttp,
	startServer,
	type ServerProcess
} from './server-process.ts';
import { SIGN_IN_RULES } from '../../src/lib/server/services/rate-limit.ts';
import { newIdNumber, withinOneWindow } from './support.ts';
import { behindCandidateLock } from '../support/candidate-lock.ts';

const photo = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));
const SIGN_INS_PER_ADDRESS = 6;
const CODES_PER_HOUR = 3;
// The limits count in fixed windows of the wall clock (an hour): a test that began seconds before one ends would see
// its hits split over two windows (a CI run sent 5 codes against the limit of 3 across 04:00).
let pgHandle: TestDatabase | null = null;
const servers: ServerProcess[] = [];

describe.skipIf(!process.env.DATABASE_URL)('two server processes on one PostgreSQL', () => {
	beforeAll(async () => {
		pgHandle = await testDatabase();
		const env = {
			DATABASE_URL: pgHandle.url!,
			// Without the face engine every submission is recorded as review: what matters here is where it is recorded.
			ZV_SERVER_FACE: '0',
			ADDRESS_HEADER: 'x-forwarded-for',
			ZV_SIGNIN_PER_ADDRESS_HOUR: String(SIGN_INS_PER_ADDRESS),
			ZV_SIGNIN_CODES_PER_HOUR: String(CODES_PER_HOUR),
			ZV_SMS_RESEND_SECONDS: '1'
		};
		// One after the other: the first runs the migrations.
		for (let i = 0; i < 2; i++) servers.push(await startServer(await pickPort(3500, 100), env));
	}, 180_000);
	afterAll(async () => {
		for (const server of servers) await server.stop();
		await pgHandle?.close();
	});

	it('a session opened through one instance completes through the other, and is recorded once', async () => {
		const [a, b] = servers;
		const id = newIdNumber();
		await registerOverHttp(a.origin, [hubeiRecord(id)]);
		const phone = await preparePhone(a.origin, await adminCookie(a.origin), id, photo, '198.51.100.7');
		const post = (server: ServerProcess) =>
			fetch(`${server.origin}/api/phone/submit`, {
				method: 'POST',
				headers: { origin: server.origin, 'x-forwarded-for': '198.51.100.7' },
				body: phone.form()
			});
		const first = await post(b);
		expect(first.status).toBe(200);
		expect(((await first.json()) as { outcome: string }).outcome).toBe('review');
		// The same bundle again through the first instance: acknowledged, not recorded twice.
		const again = await post(a);
		expect(again.status).toBe(200);
		expect((await again.json()) as object).toMatchObject({ duplicate: true });
		const n = await pgHandle!.db
			.selectFrom('outcomes')
			.innerJoin('candidates', 'candidates.id', 'outcomes.candidate_id')
			.select((eb) => eb.fn.countAll().as('n'))
			.where('candidates.id_number', '=', id)
			.executeTakeFirstOrThrow();
		expect(Number(n.n)).toBe(1);
	});

	it('two reviewers deciding one case at once through the two instances: one decision, the other refused', async () => {
		const [a, b] = servers;
		const id = newIdNumber();
		await registerOverHttp(a.origin, [hubeiRecord(id)]);
		const phone = await preparePhone(a.origin, await adminCookie(a.origin), id, photo, '198.51.100.9');
		const submitted = await fetch(`${a.origin}/api/phone/submit`, {
			method: 'POST',
			headers: { origin: a.origin, 'x-forwarded-for': '198.51.100.9' },
			body: phone.form()
		});
		expect(((await submitted.json()) as { outcome: string }).outcome).toBe('review');
		const outcome = await pgHandle!.db
			.selectFrom('outcomes')
			.innerJoin('candidates', 'candidates.id', 'outcomes.candidate_id')
			.select('outcomes.id')
			.where('candidates.id_number', '=', id)
			.executeTakeFirstOrThrow();
		// Signed in on each instance first, so that the two decisions leave at the same moment. The first to lock the
		// case waits for the candidate's row, held by the test, the other for the case: the second then runs where a
		// stale read of the case would let it decide again.
		const cookies = new Map([
			[a, await adminCookie(a.origin)],
			[b, await adminCookie(b.origin)]
		]);
		const decide = async (server: ServerProcess, decision: 'approve' | 'reject') =>
			(
				await fetch(`${server.origin}/api/review/${outcome.id}`, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						origin: server.origin,
						cookie: cookies.get(server)!
					},
					body: JSON.stringify({ decision, comment: `decided on ${server.origin}` })
				})
			).status;
		const statuses = await behindCandidateLock(
			pgHandle!.url!,
			id,
			2,
			() => [decide(a, 'approve'), decide(b, 'reject')],
			['candidates', 'outcomes']
		);
		expect(statuses.sort()).toEqual([200, 409]);
		const decided = await pgHandle!.db
			.selectFrom('outcomes')
			.select(['review_status', 'review_comment'])
			.where('id', '=', outcome.id)
			.executeTakeFirstOrThrow();
		expect(decided.review_status).not.toBe('pending');
	});

	it('sign-in requests from one address count across both instances', async () => {
		await withinOneWindow(SIGN_IN_RULES.address.windowMs, 10_000);
		const statuses: number[] = [];
		for (let i = 0; i < SIGN_INS_PER_ADDRESS + 4; i++) {
			const server = servers[i % 2];
			const id = newIdNumber();
			const r = await fetch(`${server.origin}/api/login/sms/request`, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					origin: server.origin,
					'x-forwarded-for': '198.51.100.8'
				},
				body: JSON.stringify({ idNumber: id, phone: '13900000000', purpose: 'pc-qr' })
			});
			statuses.push(r.status);
		}
		expect(statuses.filter((s) => s === 200)).toHaveLength(SIGN_INS_PER_ADDRESS);
		expect(statuses.slice(SIGN_INS_PER_ADDRESS)).toEqual([429, 429, 429, 429]);
	});

	it('codes for one candidate count across both instances: each accepted request sends one SMS, no more than the limit', async () => {
		const id = newIdNumber();
		const phone = `139${id.slice(-9, -1)}`;
		await registerOverHttp(servers[0].origin, [{ ...hubeiRecord(id), phone }]);
		await withinOneWindow(SIGN_IN_RULES.codes.windowMs, 20_000);
		for (let i = 0; i < CODES_PER_HOUR + 3; i++) {
			const server = servers[i % 2];
			// One code per second at most (ZV_SMS_RESEND_SECONDS=1): the hourly limit is the one under test.
			await new Promise((r) => setTimeout(r, 1100));
			await fetch(`${server.origin}/api/login/sms/request`, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					origin: server.origin,
					'x-forwarded-for': `198.51.100.${20 + i}`
				},
				body: JSON.stringify({ idNumber: id, phone, purpose: 'pc-qr' })
			});
		}
		const sent = await pgHandle!.db
			.selectFrom('sms_outbox')
			.select((eb) => eb.fn.countAll().as('n'))
			.where('phone', '=', phone)
			.executeTakeFirstOrThrow();
		expect(Number(sent.n)).toBe(CODES_PER_HOUR);
	});
});
