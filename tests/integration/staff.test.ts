// Staff accounts and sessions, the review queue, kiosk attestation, registration API services, webhook, retention.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db/index.ts';
import { importCandidatesCsv } from '../../src/lib/server/services/csv-import.ts';
import { withClient } from '../../src/lib/server/request-context.ts';
import { searchCandidates, startOnSiteSession } from '../../src/lib/server/services/kiosk.ts';
import { rateLimit } from '../../src/lib/server/services/rate-limit.ts';
import { resetAttempts } from '../../src/lib/server/services/limits.ts';
import { outcomeEventsSince, upsertCandidate } from '../../src/lib/server/services/registration.ts';
import { applyRetention } from '../../src/lib/server/services/retention.ts';
import { policies } from '../../src/lib/core/policy/index.ts';
import { maskIdNumber } from '../../src/lib/core/mask.ts';
import { attestOnSite, decideReview, reviewCase, reviewQueue } from '../../src/lib/server/services/review.ts';
import { sendPendingPasswords } from '../../src/lib/server/services/password-jobs.ts';
import { outboxSender } from '../../src/lib/server/sms/outbox.ts';
import {
	createStaff,
	hasRole,
	login,
	logout,
	staffFromToken,
	type StaffUser
} from '../../src/lib/server/services/staff.ts';
import { deliverWebhooks, signWebhook } from '../../src/lib/server/services/webhook.ts';
import { config } from '../../src/lib/server/config.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import {
	birthOf,
	newIdNumber,
	openSession,
	registerCandidate,
	step,
	submitBundle,
	TEST_PHOTO
} from './support.ts';
import {
	prepareReferencePhoto,
	storeReferencePhoto
} from '../../src/lib/server/services/reference-photos.ts';

let handle: TestDatabase;
let db: Db;
let reviewer: StaffUser;
let kiosk: StaffUser;
const deps = { face: null, allowedModels: new Map<string, string>() };

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
	reviewer = await createStaff(db, {
		username: 'reviewer1',
		role: 'reviewer',
		password: 'correct horse battery',
		province: 'hubei'
	});
	kiosk = await createStaff(db, {
		username: 'kiosk1',
		role: 'kiosk',
		password: 'kiosk operator pass',
		province: 'hubei'
	});
});
afterAll(() => handle.close());

async function exhaustHubei() {
	const candidate = await registerCandidate(db);
	let sessionId = '';
	for (let i = 0; i < 3; i++) {
		const s = await openSession(db, candidate.idNumber);
		sessionId = s.opened.sessionId;
		await submitBundle(
			db,
			sessionId,
			{ bundle: await s.sign(s.payload([step('liveness', false)])) },
			new Date(),
			deps
		);
	}
	return { candidate, sessionId };
}

/** The failed staff sign-ins audited for a username: one per password checked and found wrong. */
async function failedLogins(username: string): Promise<number> {
	const rows = await db
		.selectFrom('audit_log')
		.select('detail')
		.where('action', '=', 'staff.login_failed')
		.execute();
	const detail = (d: unknown) => (typeof d === 'string' ? JSON.parse(d) : d) as { username?: string } | null;
	return rows.filter((r) => detail(r.detail)?.username === username).length;
}

describe(`staff, review, registration (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('staff sign in with scrypt-hashed passwords; wrong passwords and disabled or expired sessions are refused', async () => {
		const row = await db
			.selectFrom('staff_users')
			.select('password_hash')
			.where('username', '=', 'reviewer1')
			.executeTakeFirstOrThrow();
		expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
		await expect(login(db, 'reviewer1', 'wrong password!', '10.0.0.1')).rejects.toMatchObject({
			status: 401,
			code: 'bad_login'
		});
		await expect(login(db, 'nobody', 'whatever', '10.0.0.1')).rejects.toMatchObject({ status: 401 });
		const session = await login(db, 'reviewer1', 'correct horse battery', '10.0.0.1');
		expect(await staffFromToken(db, session.token)).toMatchObject({
			username: 'reviewer1',
			role: 'reviewer'
		});
		expect(await staffFromToken(db, session.token, new Date(session.expiresAt.getTime() + 1))).toBeNull();
		const stored = await db.selectFrom('staff_sessions').select('token_hash').execute();
		expect(JSON.stringify(stored)).not.toContain(session.token);
		await logout(db, session.token);
		expect(await staffFromToken(db, session.token)).toBeNull();
		await expect(
			createStaff(db, { username: 'weak', role: 'admin', password: 'short', province: 'all' })
		).rejects.toMatchObject({ code: 'weak_password' });
		expect(hasRole(reviewer, 'kiosk')).toBe(false);
		expect(hasRole({ id: 0, username: 'a', role: 'admin', province: 'all' }, 'kiosk')).toBe(true);
	});

	it('a session unused for the idle limit ends; one in use stays open until its lifetime ends', async () => {
		const start = new Date();
		const minutes = (n: number) => new Date(start.getTime() + n * 60_000);
		const idle = config.staffIdleMs / 60_000;
		const left = await login(db, 'reviewer1', 'correct horse battery', '10.0.0.2', start);
		const used = await login(db, 'reviewer1', 'correct horse battery', '10.0.0.3', start);
		// Used every idle-limit-minus-one minutes, the second session outlives many idle limits.
		for (let at = idle - 1; at < 4 * idle; at += idle - 1)
			expect(await staffFromToken(db, used.token, minutes(at))).toMatchObject({ username: 'reviewer1' });
		expect(await staffFromToken(db, left.token, minutes(idle - 1))).toMatchObject({ username: 'reviewer1' });
		expect(await staffFromToken(db, left.token, minutes(2 * idle))).toBeNull();
		expect(await staffFromToken(db, used.token, minutes(5 * idle))).toBeNull();
	});

	it('an account names its province: national reach only for an admin, and no admin creates beyond its own', async () => {
		const session = await login(db, 'reviewer1', 'correct horse battery', '10.0.0.2');
		expect(session.user.province).toBe('hubei');
		expect((await staffFromToken(db, session.token))?.province).toBe('hubei');
		const account = (province: string, role: 'reviewer' | 'admin' = 'reviewer') => ({
			username: `p-${province}-${role}-${Math.floor(Math.random() * 1e9)}`,
			role,
			password: 'province rule password',
			province
		});
		await expect(createStaff(db, account('all'))).rejects.toMatchObject({ code: 'province_required' });
		await expect(createStaff(db, account('atlantis'))).rejects.toMatchObject({ code: 'unknown_province' });
		const fujianAdmin = await createStaff(db, account('fujian', 'admin'));
		await expect(createStaff(db, account('hubei'), fujianAdmin)).rejects.toMatchObject({
			code: 'other_province'
		});
		await expect(createStaff(db, account('all', 'admin'), fujianAdmin)).rejects.toMatchObject({
			code: 'other_province'
		});
		expect((await createStaff(db, account('fujian'), fujianAdmin)).province).toBe('fujian');
	});

	it('only an exam office account is limited to an exam area (nothing else would enforce it)', async () => {
		const named = (role: 'reviewer' | 'kiosk' | 'office') => ({
			username: `area-${role}-${Math.floor(Math.random() * 1e9)}`,
			role,
			password: 'exam area rule password',
			province: 'hubei',
			examArea: '武汉市江岸区'
		});
		for (const role of ['reviewer', 'kiosk'] as const)
			await expect(createStaff(db, named(role))).rejects.toMatchObject({
				status: 400,
				code: 'exam_area_office_only'
			});
		expect((await createStaff(db, named('office'))).examArea).toBe('武汉市江岸区');
	});

	it('audit rows record the address and user agent of the request behind them', async () => {
		await withClient({ address: '198.51.100.7', userAgent: 'scripted-client/1.0' }, () =>
			login(db, 'nobody-here', 'wrong password', '198.51.100.7').catch(() => null)
		);
		const row = await db
			.selectFrom('audit_log')
			.select(['action', 'client_address', 'user_agent'])
			.where('action', '=', 'staff.login_failed')
			.orderBy('id', 'desc')
			.executeTakeFirstOrThrow();
		expect(row).toEqual({
			action: 'staff.login_failed',
			client_address: '198.51.100.7',
			user_agent: 'scripted-client/1.0'
		});
	});

	it('failed logins are limited per username and address in the database; others still sign in', async () => {
		// One instant in the middle of a 15-minute window: on the wall clock, a run that crossed a window's start
		// (CI at 06:00:00) split the attempts between two windows and the 11th was not refused.
		const now = new Date(Math.floor(Date.now() / 900_000) * 900_000 + 450_000);
		const rule = { limit: 10, windowMs: 60_000 };
		for (let i = 0; i < 10; i++) await rateLimit(db, 'login:user:test-rl', rule, now);
		await expect(rateLimit(db, 'login:user:test-rl', rule, now)).rejects.toMatchObject({
			status: 429,
			code: 'rate_limited'
		});
		const failures = [];
		for (let i = 0; i < 6; i++)
			failures.push(await login(db, 'kiosk1', 'bad', '10.9.9.9', now).catch((e) => e.code));
		expect(failures.slice(0, 5).every((c) => c === 'bad_login')).toBe(true);
		expect(failures[5]).toBe('rate_limited');
		// Refused at that address even with the right password; from another address the user signs in.
		await expect(login(db, 'kiosk1', 'kiosk operator pass', '10.9.9.9', now)).rejects.toMatchObject({
			code: 'rate_limited'
		});
		await expect(login(db, 'kiosk1', 'kiosk operator pass', '10.9.9.8', now)).resolves.toMatchObject({
			user: { username: 'kiosk1' }
		});
	});

	it('guesses sent at once are checked within the limit, each counted before its password; a right one gives its count back', async () => {
		const now = new Date(Math.floor(Date.now() / 900_000) * 900_000 + 450_000);
		const before = await failedLogins('reviewer1');
		const answers = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				login(db, 'reviewer1', `guess ${i}`, '10.7.7.7', now).then(
					() => 'signed in',
					(e: { code: string }) => e.code
				)
			)
		);
		// Every password checked is audited as a failure: no more than the minute's five, the rest refused unchecked.
		expect((await failedLogins('reviewer1')) - before).toBe(5);
		expect(answers.filter((a) => a === 'bad_login')).toHaveLength(5);
		expect(answers.filter((a) => a === 'rate_limited')).toHaveLength(15);
		// Right passwords, one after another from another address, sign in and leave its count where it was (each
		// held a failure only while its password was checked).
		for (let i = 0; i < 8; i++)
			expect((await login(db, 'reviewer1', 'correct horse battery', '10.7.7.8', now)).user.username).toBe(
				'reviewer1'
			);
		const wrong = [];
		for (let i = 0; i < 6; i++)
			wrong.push(await login(db, 'reviewer1', 'bad', '10.7.7.8', now).catch((e) => e.code));
		expect(wrong).toEqual([...Array(5).fill('bad_login'), 'rate_limited']);
	});

	it('a Hubei candidate whose attempts are used up is reviewed: approval grants the admission number and SMS, audited', async () => {
		const { candidate, sessionId } = await exhaustHubei();
		const queue = await reviewQueue(db, reviewer);
		const item = queue.find((q) => q.idNumber === maskIdNumber(candidate.idNumber));
		expect(item).toBeDefined();
		// The reference photo is shown beside the final photo, with its source, once the record has one.
		const before = await reviewCase(db, reviewer, item!.id);
		expect(before.reference).toBeNull();
		await storeReferencePhoto(
			db,
			before.candidate_id,
			await prepareReferencePhoto('authority', TEST_PHOTO, null)
		);
		const c = await reviewCase(db, reviewer, item!.id);
		expect(c.reference).toEqual({
			source: 'authority',
			photo: `data:image/jpeg;base64,${Buffer.from(TEST_PHOTO).toString('base64')}`
		});
		expect(c.steps).toContainEqual({
			kind: 'liveness',
			passed: false,
			scores: {},
			reasons: ['test_failure']
		});
		const decided = await decideReview(db, reviewer, item!.id, 'approve', '现场核对照片一致');
		expect(decided.outcome).toBe('confirmed');
		expect(decided.admissionNumber).toMatch(/^42\d{10}$/);
		await expect(decideReview(db, reviewer, item!.id, 'reject', 'again')).rejects.toMatchObject({
			code: 'already_decided'
		});
		const actions = await db
			.selectFrom('audit_log')
			.select('action')
			.where('session_id', '=', sessionId)
			.orderBy('id')
			.execute();
		expect(actions.map((a) => a.action)).toEqual(
			expect.arrayContaining(['bundle.accepted', 'review.view', 'review.approve'])
		);
		// The password job sends the admission number and password after the decision commits.
		await sendPendingPasswords(db, outboxSender(db));
		const sms = await db
			.selectFrom('sms_outbox')
			.select('body')
			.orderBy('id', 'desc')
			.executeTakeFirstOrThrow();
		expect(sms.body).toContain(decided.admissionNumber);
	});

	it("a reviewer gives a candidate's online attempts back: audited with who and why; another province's cannot", async () => {
		const { candidate } = await exhaustHubei();
		const fujian = await createStaff(db, {
			username: 'reviewer-fujian-reset',
			role: 'reviewer',
			password: 'fujian reviewer pass',
			province: 'fujian'
		});
		await expect(resetAttempts(db, fujian, candidate.idNumber, '越权')).rejects.toMatchObject({
			status: 404,
			code: 'no_registration'
		});
		expect(await resetAttempts(db, reviewer, candidate.idNumber, '考生来电')).toMatchObject({ failures: 0 });
		const rows = await db
			.selectFrom('audit_log')
			.innerJoin('candidates', 'candidates.id', 'audit_log.candidate_id')
			.select(['audit_log.actor', 'audit_log.detail'])
			.where('audit_log.action', '=', 'candidate.attempts_reset')
			.where('candidates.id_number', '=', candidate.idNumber)
			.execute();
		expect(rows).toHaveLength(1);
		expect(rows[0].actor).toBe(`staff:${reviewer.id}`);
		expect(JSON.stringify(rows[0].detail)).toContain('考生来电');
	});

	it('kiosk: search by full ID number only, start an on-site session (allowed after online attempts are used up), attest', async () => {
		const { candidate } = await exhaustHubei();
		await upsertCandidate(db, { ...candidate, name: '现场考生甲' }, 'test');
		expect(await searchCandidates(db, kiosk, candidate.idNumber.slice(0, 10))).toEqual([]);
		expect(await searchCandidates(db, kiosk, '现场考生')).toEqual([]);
		const found = await searchCandidates(db, kiosk, candidate.idNumber.toLowerCase());
		expect(found.map((c) => c.idNumber)).toEqual([candidate.idNumber]);
		expect(found[0].onlineBlocked).toBe('manual_review,on_site');
		const session = await startOnSiteSession(db, kiosk, candidate.idNumber, 'https://zv.example');
		expect(session.link).toMatch(/^https:\/\/zv\.example\/m\/[A-Za-z0-9_-]{43}$/);
		const attested = await attestOnSite(db, kiosk, session.sessionId, 'confirmed', '证件与本人一致');
		expect(attested.admissionNumber).toMatch(/^42\d{10}$/);
		expect(attested).not.toHaveProperty('password');
		expect(attested.smsTo).toMatch(/^\d{3}\*{4}\d{4}$/);
		await expect(attestOnSite(db, kiosk, session.sessionId, 'confirmed', 'twice')).rejects.toMatchObject({
			code: 'already_recorded'
		});
	});

	it('kiosk: a session a newer one ended cannot be attested; the newer one can', async () => {
		const { candidate } = await exhaustHubei();
		const older = await startOnSiteSession(db, kiosk, candidate.idNumber, 'https://zv.example');
		const newer = await startOnSiteSession(db, kiosk, candidate.idNumber, 'https://zv.example');
		await expect(attestOnSite(db, kiosk, older.sessionId, 'confirmed', '旧链接')).rejects.toMatchObject({
			status: 410,
			code: 'session_ended'
		});
		const recorded = await db
			.selectFrom('outcomes')
			.select('id')
			.where('session_id', '=', older.sessionId)
			.execute();
		expect(recorded).toEqual([]);
		const attested = await attestOnSite(db, kiosk, newer.sessionId, 'confirmed', '证件与本人一致');
		expect(attested.outcome).toBe('confirmed');
	});

	it('kiosk: one account records at most 60 attestations an hour (a stolen login is bounded)', async () => {
		const desk = await createStaff(db, {
			username: `kiosk-limit-${Math.floor(Math.random() * 1e9)}`,
			role: 'kiosk',
			password: 'kiosk limit password',
			province: 'hubei'
		});
		const now = new Date();
		const attestNew = async () => {
			const candidate = await registerCandidate(db);
			const session = await startOnSiteSession(db, desk, candidate.idNumber, 'https://zv.example');
			return attestOnSite(db, desk, session.sessionId, 'confirmed', '证件与本人一致', now);
		};
		for (let i = 0; i < 60; i++) expect((await attestNew()).outcome).toBe('confirmed');
		await expect(attestNew()).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
		// Another desk of the centre is not held up.
		const candidate = await registerCandidate(db);
		const session = await startOnSiteSession(db, kiosk, candidate.idNumber, 'https://zv.example');
		expect((await attestOnSite(db, kiosk, session.sessionId, 'rejected', '证件不符', now)).outcome).toBe(
			'rejected'
		);
	});

	it('a confirmed candidate is not confirmed again: neither a second kiosk attestation nor a review approval', async () => {
		const { candidate } = await exhaustHubei();
		const queued = (await reviewQueue(db, reviewer)).find(
			(q) => q.idNumber === maskIdNumber(candidate.idNumber)
		)!;
		const first = await startOnSiteSession(db, kiosk, candidate.idNumber, 'https://zv.example');
		await attestOnSite(db, kiosk, first.sessionId, 'confirmed', '证件与本人一致');
		const second = await startOnSiteSession(db, kiosk, candidate.idNumber, 'https://zv.example');
		await expect(attestOnSite(db, kiosk, second.sessionId, 'confirmed', 'again')).rejects.toMatchObject({
			status: 409,
			code: 'already_confirmed'
		});
		await expect(decideReview(db, reviewer, queued.id, 'approve', 'also')).rejects.toMatchObject({
			status: 409,
			code: 'already_confirmed'
		});
		const confirmed = await db
			.selectFrom('outcomes')
			.innerJoin('candidates', 'candidates.id', 'outcomes.candidate_id')
			.select('outcomes.id')
			.where('candidates.id_number', '=', candidate.idNumber)
			.where('outcomes.result', '=', 'confirmed')
			.execute();
		expect(confirmed).toHaveLength(1);
	});

	it('registration records: new, updated, returning candidates keep their number; conflicting numbers refused', async () => {
		const id = newIdNumber('110105');
		const base = {
			idNumber: id,
			name: '李四',
			sex: '男' as const,
			ethnicity: '汉',
			birthDate: '1995-01-15',
			address: '北京市东城区',
			phone: '13700000000',
			major: '法学',
			examArea: '北京市东城区',
			province: 'beijing'
		};
		expect(await upsertCandidate(db, base)).toMatchObject({ created: true, admissionNumber: null });
		expect(
			await upsertCandidate(db, { ...base, phone: '13700000001', admissionNumber: '110123456789' })
		).toMatchObject({
			created: false,
			admissionNumber: '110123456789'
		});
		await expect(upsertCandidate(db, { ...base, admissionNumber: '110100000000' })).rejects.toMatchObject({
			code: 'admission_number_conflict'
		});
		const other = { ...base, idNumber: newIdNumber('110105'), admissionNumber: '110123456789' };
		await expect(upsertCandidate(db, other)).rejects.toMatchObject({ code: 'admission_number_taken' });
	});

	it('CSV import stores valid rows and reports invalid ones by line', async () => {
		const good = newIdNumber('350102');
		const csv = [
			'idNumber,name,sex,ethnicity,birthDate,address,phone,major,examArea,province,admissionNumber',
			`${good},"陈, 小红",女,汉,${birthOf(good)},"福建省福州市""鼓楼""区",13600000000,会计,福州市鼓楼区,fujian,`,
			`110105199003071230,错号,男,汉,1990-03-07,北京,13600000001,法学,北京,beijing,`,
			`${newIdNumber('350102')},无省份,男,汉,1995-01-15,福州,13600000002,法学,福州,nowhere,`
		].join('\r\n');
		const report = await importCandidatesCsv(db, csv);
		expect(report.created).toBe(1);
		expect(report.errors.map((e) => e.line)).toEqual([3, 4]);
		const row = await db
			.selectFrom('candidates')
			.select(['name', 'address'])
			.where('id_number', '=', good)
			.executeTakeFirstOrThrow();
		expect(row).toEqual({ name: '陈, 小红', address: '福建省福州市"鼓楼"区' });
	});

	it('outcome events are read by polling and pushed to a webhook signed with HMAC-SHA256', async () => {
		const candidate = await registerCandidate(db, { province: 'beijing' });
		const s = await openSession(db, candidate.idNumber);
		await submitBundle(
			db,
			s.opened.sessionId,
			{ bundle: await s.sign(s.payload([step('record')])) },
			new Date(),
			deps
		);
		const polled = await outcomeEventsSince(db, 0, 500);
		const event = polled.events.find((e) => (e as { sessionId?: string }).sessionId === s.opened.sessionId);
		expect(event).toMatchObject({ idNumber: candidate.idNumber, result: 'confirmed', province: 'beijing' });
		expect((await outcomeEventsSince(db, polled.next)).events).toEqual([]);

		const received: { body: string; headers: IncomingMessage['headers'] }[] = [];
		const server = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				received.push({ body, headers: req.headers });
				res.end('ok');
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
		try {
			const delivered = await deliverWebhooks(db, { url, secret: 'shared-secret', batch: 500 });
			expect(delivered).toBe(polled.events.length);
			expect(await deliverWebhooks(db, { url, secret: 'shared-secret' })).toBe(0);
		} finally {
			server.close();
		}
		const mine = received.find((r) => r.body.includes(s.opened.sessionId))!;
		const timestamp = Number(mine.headers['x-zv-timestamp']);
		expect(mine.headers['x-zv-signature']).toBe(signWebhook('shared-secret', timestamp, mine.body));
		expect(mine.headers['x-zv-signature']).not.toBe(signWebhook('other-secret', timestamp, mine.body));
	});

	it('retention deletes photo and signature bytes older than the configured days, keeping their hashes', async () => {
		// An outcome without a signature file (confirmations of Hubei candidates carry one of their own).
		const outcome = await db
			.selectFrom('outcomes')
			.select(['id'])
			.where(({ not, exists, selectFrom }) =>
				not(
					exists(
						selectFrom('attachments')
							.select('attachments.id')
							.whereRef('attachments.outcome_id', '=', 'outcomes.id')
							.where('attachments.kind', '=', 'signature')
					)
				)
			)
			.orderBy('id')
			.executeTakeFirstOrThrow();
		await db
			.insertInto('attachments')
			.values({
				outcome_id: outcome.id,
				kind: 'signature',
				sha256: 'f'.repeat(64),
				bytes: new Uint8Array([1, 2, 3])
			})
			.execute();
		expect(await applyRetention(db)).toBe(0);
		// Past every province's retention (each province's own days are tested in retention.test.ts).
		const days = Math.max(...Object.values(policies).map((p) => p.office.retentionDays));
		const later = new Date(Date.now() + (days + 1) * 86_400_000);
		expect(await applyRetention(db, later)).toBeGreaterThanOrEqual(1);
		const row = await db
			.selectFrom('attachments')
			.selectAll()
			.where('outcome_id', '=', outcome.id)
			.executeTakeFirstOrThrow();
		expect(row.bytes).toBeNull();
		expect(row.sha256).toBe('f'.repeat(64));
		expect(row.deleted_at).not.toBeNull();
	});
});
