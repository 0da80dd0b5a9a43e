// Fujian's pre-registration photo audit (issue 21): the queue's order and ages, the decisions and their audit rows,
// the daily upload limit, the session gate; and over HTTP on the built server, who may see and decide what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db/index.ts';
import {
	auditQueue,
	decidePreRegistration,
	preRegistrationState,
	uploadPreRegistrationPhoto,
	type UploadChecks
} from '../../src/lib/server/services/pre-registration.ts';
import { upsertCandidate } from '../../src/lib/server/services/registration.ts';
import { startSession } from '../../src/lib/server/services/sessions.ts';
import { createStaff, type StaffUser } from '../../src/lib/server/services/staff.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { REGISTRATION_TOKEN, type ServerProcess } from './server-process.ts';
import { birthOf, newIdNumber, TEST_PHOTO } from './support.ts';
import { testServer } from './test-server.ts';
import { fixture } from '../support/fixtures.ts';
import { readFileSync } from 'node:fs';

const HOUR = 3_600_000;

/**
 * The photo core's verdict is not what these tests are about (the HTTP tests below and tests/security run the real
 * checks on the built server): every upload here is taken as compliant.
 */
const compliant: UploadChecks = { reasons: async () => [], processed: async () => null };

/** A new Fujian candidate with no reference photo: the pre-registration photo is theirs to upload. */
async function newFujianCandidate(db: Db): Promise<{ id: number; province: string; idNumber: string }> {
	const idNumber = newIdNumber('350102');
	await upsertCandidate(
		db,
		{
			idNumber,
			name: '预报名',
			sex: '女',
			ethnicity: '汉',
			birthDate: birthOf(idNumber),
			address: '福建省福州市鼓楼区测试路1号',
			phone: '13900000000',
			major: '法学',
			examArea: '福州市鼓楼区',
			province: 'fujian'
		},
		'test'
	);
	const { id } = await db
		.selectFrom('candidates')
		.select('id')
		.where('id_number', '=', idNumber)
		.executeTakeFirstOrThrow();
	return { id, province: 'fujian', idNumber };
}

describe(`pre-registration photo audit (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	let handle: TestDatabase;
	let db: Db;
	let officer: StaffUser;
	beforeAll(async () => {
		handle = await testDatabase();
		db = handle.db;
		officer = await createStaff(db, {
			username: `audit-${Date.now()}`,
			role: 'reviewer',
			password: 'reviewer password 123',
			province: 'fujian'
		});
	}, 60_000);
	afterAll(() => handle?.close());

	it('the queue is oldest first, each upload aged against the province target (24 h)', async () => {
		const now = new Date('2026-12-03T08:00:00Z');
		const ages = [30, 2, 25, 0.5];
		const ids: number[] = [];
		for (const age of ages) {
			const c = await newFujianCandidate(db);
			ids.push(c.id);
			await uploadPreRegistrationPhoto(
				db,
				c,
				TEST_PHOTO,
				compliant,
				'test',
				new Date(now.getTime() - age * HOUR)
			);
		}
		const queue = (await auditQueue(db, officer, now)).filter((item) => ids.includes(item.candidateId));
		expect(queue.map((item) => item.ageHours)).toEqual([30, 25, 2, 0.5]);
		expect(queue.map((item) => item.overdue)).toEqual([true, true, false, false]);
		expect(queue.every((item) => item.targetHours === 24)).toBe(true);
		// The ID number is masked in the queue.
		expect(queue[0].idNumber).toMatch(/^350102\*{8}\d{3}[\dX]$/);
	});

	it('a session cannot start before approval and says why; a rejection shows its reasons; approval opens it', async () => {
		const c = await newFujianCandidate(db);
		await expect(startSession(db, c.idNumber)).rejects.toMatchObject({
			status: 409,
			code: 'pre_registration_required',
			zh: expect.stringContaining('请先上传预报名照片')
		});
		await uploadPreRegistrationPhoto(db, c, TEST_PHOTO, compliant, 'test');
		await expect(startSession(db, c.idNumber)).rejects.toMatchObject({
			zh: expect.stringContaining('等待审核')
		});
		// A second upload while the first waits is refused.
		await expect(uploadPreRegistrationPhoto(db, c, TEST_PHOTO, compliant, 'test')).rejects.toMatchObject({
			code: 'awaiting_audit'
		});
		const [first] = (await auditQueue(db, officer)).filter((item) => item.candidateId === c.id);
		await expect(
			decidePreRegistration(db, officer, first.id, { decision: 'reject', reasons: [] })
		).rejects.toMatchObject({ code: 'reason_required' });
		await decidePreRegistration(db, officer, first.id, {
			decision: 'reject',
			reasons: ['accessories'],
			note: '请摘下眼镜'
		});
		const rejected = await preRegistrationState(db, c);
		expect(rejected).toMatchObject({
			status: 'rejected',
			note: '请摘下眼镜',
			uploadsToday: 1,
			uploadsPerDay: 5
		});
		expect(rejected.reasons.map((r) => r.code)).toEqual(['accessories']);
		await expect(startSession(db, c.idNumber)).rejects.toMatchObject({
			zh: expect.stringContaining('未通过审核')
		});
		await expect(decidePreRegistration(db, officer, first.id, { decision: 'approve' })).rejects.toMatchObject(
			{ code: 'already_decided' }
		);

		await uploadPreRegistrationPhoto(db, c, TEST_PHOTO, compliant, 'test');
		const [second] = (await auditQueue(db, officer)).filter((item) => item.candidateId === c.id);
		await decidePreRegistration(db, officer, second.id, { decision: 'approve' });
		expect((await preRegistrationState(db, c)).status).toBe('approved');
		const reference = await db
			.selectFrom('reference_photos')
			.select(['source'])
			.where('candidate_id', '=', c.id)
			.executeTakeFirstOrThrow();
		expect(reference.source).toBe('pre_registration');
		await expect(startSession(db, c.idNumber)).resolves.toMatchObject({ sessionId: expect.any(String) });
		const audited = await db
			.selectFrom('audit_log')
			.select(['action', 'actor'])
			.where('candidate_id', '=', c.id)
			.where('action', 'like', 'pre_registration.%')
			.orderBy('id')
			.execute();
		expect(audited.map((a) => a.action)).toEqual([
			'pre_registration.upload',
			'pre_registration.reject',
			'pre_registration.upload',
			'pre_registration.approve'
		]);
		expect(audited.filter((a) => a.action !== 'pre_registration.upload').map((a) => a.actor)).toEqual([
			`staff:${officer.id}`,
			`staff:${officer.id}`
		]);
	}, 60_000);

	it('uploads are limited per day (China Standard Time), a rejection allowing the next one', async () => {
		const c = await newFujianCandidate(db);
		const day = new Date('2026-12-03T02:00:00Z');
		for (let i = 0; i < 5; i++) {
			await uploadPreRegistrationPhoto(
				db,
				c,
				TEST_PHOTO,
				compliant,
				'test',
				new Date(day.getTime() + i * 60_000)
			);
			const [item] = (await auditQueue(db, officer)).filter((q) => q.candidateId === c.id);
			await decidePreRegistration(db, officer, item.id, { decision: 'reject', reasons: ['quality'] });
		}
		await expect(
			uploadPreRegistrationPhoto(db, c, TEST_PHOTO, compliant, 'test', new Date(day.getTime() + HOUR))
		).rejects.toMatchObject({ status: 429, code: 'upload_limit' });
		// Midnight in Beijing is 16:00 UTC.
		await expect(
			uploadPreRegistrationPhoto(db, c, TEST_PHOTO, compliant, 'test', new Date('2026-12-03T16:00:01Z'))
		).resolves.toMatchObject({ status: 'pending' });
	}, 60_000);

	it('a Hubei candidate has no pre-registration and starts sessions as before', async () => {
		const hubei = await db
			.selectFrom('candidates')
			.select(['id', 'province', 'id_number'])
			.where('province', '=', 'hubei')
			.executeTakeFirstOrThrow();
		await expect(preRegistrationState(db, hubei)).rejects.toMatchObject({
			code: 'pre_registration_not_required'
		});
		await expect(startSession(db, hubei.id_number)).resolves.toBeTruthy();
	});
});

describe(`pre-registration over HTTP: the real checks and permissions (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	let server: ServerProcess;
	let cookie = '';
	let close: () => Promise<void>;
	beforeAll(async () => {
		({ server, cookie, close } = await testServer(3300));
	}, 120_000);
	afterAll(() => close?.());

	const registration = (body: unknown) =>
		fetch(`${server.origin}/api/registration/pre-registration-photos`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${REGISTRATION_TOKEN}` },
			body: JSON.stringify(body)
		});

	async function registered(): Promise<string> {
		const idNumber = newIdNumber('350102');
		const r = await fetch(`${server.origin}/api/registration/candidates`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${REGISTRATION_TOKEN}` },
			body: JSON.stringify({
				idNumber,
				name: '权限测试',
				sex: '女',
				ethnicity: '汉',
				birthDate: birthOf(idNumber),
				address: '福建省福州市鼓楼区测试路2号',
				phone: '13900000000',
				major: '法学',
				examArea: '福州市鼓楼区',
				province: 'fujian'
			})
		});
		expect(r.status, await r.text()).toBe(200);
		return idNumber;
	}

	async function staffCookie(role: 'kiosk' | 'reviewer'): Promise<string> {
		const username = `${role}-${Math.floor(Math.random() * 1e9)}`;
		const password = `${role} password 123`;
		const created = await fetch(`${server.origin}/api/staff/users`, {
			method: 'POST',
			headers: { cookie, 'content-type': 'application/json' },
			body: JSON.stringify({ username, role, password, province: 'fujian' })
		});
		expect(created.status).toBe(201);
		const login = await fetch(`${server.origin}/api/staff/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username, password })
		});
		return login.headers.get('set-cookie')!.split(';')[0];
	}

	it('the registration API checks an upload with the photo core: reasons at once, then the queue', async () => {
		const idNumber = await registered();
		const faceless = readFileSync(fixture('idphotos/nonconf_no_face_plain_blue.jpg'));
		const refused = await registration({ idNumber, jpeg: faceless.toString('base64') });
		expect(refused.status).toBe(422);
		const body = await refused.json();
		expect(body.error.code).toBe('photo_rejected');
		expect(body.reasons.map((r: { code: string }) => r.code)).toContain('FACE_NONE');
		expect(body.reasons[0].zh).toMatch(/[\u4e00-\u9fff]/);
		const accepted = await registration({ idNumber, jpeg: Buffer.from(TEST_PHOTO).toString('base64') });
		expect(accepted.status, JSON.stringify(await accepted.clone().json())).toBe(200);
		expect((await accepted.json()).status).toBe('pending');
		const noToken = await fetch(`${server.origin}/api/registration/pre-registration-photos`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ idNumber, jpeg: 'AAAA' })
		});
		expect(noToken.status).toBe(401);
		const queue = await (
			await fetch(`${server.origin}/api/staff/pre-registration`, { headers: { cookie } })
		).json();
		expect(queue.items.some((item: { idNumber: string }) => item.idNumber.endsWith(idNumber.slice(-4)))).toBe(
			true
		);
	}, 60_000);

	it('only reviewers (and admins) see the queue, the photos and decide; every decision is theirs', async () => {
		const idNumber = await registered();
		await registration({ idNumber, jpeg: Buffer.from(TEST_PHOTO).toString('base64') });
		const queue = await (
			await fetch(`${server.origin}/api/staff/pre-registration`, { headers: { cookie } })
		).json();
		const item = queue.items.find((i: { idNumber: string }) => i.idNumber.endsWith(idNumber.slice(-4)));
		const kiosk = await staffCookie('kiosk');
		const reviewer = await staffCookie('reviewer');
		const paths = ['/api/staff/pre-registration', `/api/staff/pre-registration/${item.id}/photo`];
		for (const path of paths) {
			expect((await fetch(`${server.origin}${path}`)).status).toBe(401);
			expect((await fetch(`${server.origin}${path}`, { headers: { cookie: kiosk } })).status).toBe(403);
			expect((await fetch(`${server.origin}${path}`, { headers: { cookie: reviewer } })).status).toBe(200);
		}
		const decide = (as: string | null) =>
			fetch(`${server.origin}/api/staff/pre-registration/${item.id}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...(as ? { cookie: as } : {}) },
				body: JSON.stringify({ decision: 'approve' })
			});
		expect((await decide(null)).status).toBe(401);
		expect((await decide(kiosk)).status).toBe(403);
		expect((await decide(reviewer)).status).toBe(200);
		expect((await decide(reviewer)).status).toBe(409);
		const state = await (
			await fetch(`${server.origin}/api/registration/pre-registration-photos?idNumber=${idNumber}`, {
				headers: { authorization: `Bearer ${REGISTRATION_TOKEN}` }
			})
		).json();
		expect(state.status).toBe('approved');
		// The registration site may now start the candidate's session.
		const session = await fetch(`${server.origin}/api/registration/sessions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${REGISTRATION_TOKEN}` },
			body: JSON.stringify({ idNumber })
		});
		expect(session.status).toBe(200);
	}, 60_000);
});
