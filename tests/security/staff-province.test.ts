// A staff account works on its own province's records only. Each test is an attack by a scripted client with a
// Hubei account against the built server in its default configuration: it lists, opens and decides a Fujian review
// case, audits a Fujian pre-registration photo, starts a session for a Fujian candidate at the desk and reads
// Fujian's dashboard. Each meets a refusal naming the province (403 other_province), and the Fujian record is left
// as it was; a Fujian account doing the same is the control.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRATION_TOKEN, type ServerProcess } from '../integration/server-process.ts';
import { TEST_PHOTO } from '../integration/support.ts';
import { testServer } from '../integration/test-server.ts';
import { forge, registerCandidate, staffAccount } from './client.ts';
import { clipFrame } from './forgeries.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';
import { maskIdNumber } from '../../src/lib/core/mask.ts';

let server: ServerProcess;
let admin = '';
let close: () => Promise<void>;
let origin = '';

/** Frames seconds apart of one man's face capture: his approved photo, and his live still under two ID numbers. */
const SELFIE = 'live_blink_selfie_480x640_15fps.mjpeg';

beforeAll(async () => {
	({
		server,
		cookie: admin,
		close
	} = await testServer(3240, { ZV_STATIC_DIR: join(process.cwd(), 'static') }));
	origin = server.origin;
}, 180_000);
afterAll(() => close?.());

type Role = 'reviewer' | 'kiosk' | 'office';

/** A new account of `role` for `province`, created by the national admin, signed in: its cookie. */
const account = (role: Role, province: string) => staffAccount(origin, admin, role, province);

interface Refusal {
	error?: { code: string; en: string };
}

async function call<T extends object = object>(cookie: string, path: string, body?: object) {
	const r = await fetch(`${origin}${path}`, {
		method: body ? 'POST' : 'GET',
		headers: { cookie, origin, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});
	const text = await r.text();
	return { status: r.status, body: (text.startsWith('{') ? JSON.parse(text) : {}) as T & Refusal };
}

function expectRefused(answer: { status: number; body: Refusal }) {
	expect(answer.status, JSON.stringify(answer.body)).toBe(403);
	expect(answer.body.error?.code).toBe('other_province');
	expect(answer.body.error?.en).toMatch(/province/);
}

/** A Fujian review case: the same man confirmed under one ID number, then held as a duplicate under another. */
async function fujianReviewCase(): Promise<number> {
	const reference = { jpeg: await clipFrame(SELFIE, 0), source: 'pre_registration' as const };
	const first = await registerCandidate(origin, 'fujian', reference);
	const second = await registerCandidate(origin, 'fujian', reference);
	expect((await forge(origin, admin, first, { photo: await clipFrame(SELFIE, 60) })).body.outcome).toBe(
		FINAL_CHECK
	);
	const held = await forge(origin, admin, second, { photo: await clipFrame(SELFIE, 60) });
	expect(held.body.outcome, JSON.stringify(held.body)).toBe('review');
	const { cases } = (await call(admin, '/api/review')).body as { cases: { id: number; idNumber: string }[] };
	return cases.find((c) => c.idNumber === maskIdNumber(second))!.id;
}

/** A Fujian candidate's pre-registration photo waiting for the audit: its upload id. */
async function fujianUpload(): Promise<number> {
	const idNumber = await registerCandidate(origin, 'fujian');
	const r = await fetch(`${origin}/api/registration/pre-registration-photos`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${REGISTRATION_TOKEN}` },
		body: JSON.stringify({ idNumber, jpeg: Buffer.from(TEST_PHOTO).toString('base64') })
	});
	expect(r.status, await r.clone().text()).toBe(200);
	const { items } = (await call(admin, '/api/staff/pre-registration')).body as {
		items: { id: number; idNumber: string }[];
	};
	return items.find((i) => i.idNumber.endsWith(idNumber.slice(-4)))!.id;
}

describe(`a Hubei staff account and Fujian's records (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it("a Hubei reviewer neither lists, opens nor decides a Fujian review case; Fujian's reviewer does", async () => {
		const caseId = await fujianReviewCase();
		const hubei = await account('reviewer', 'hubei');
		const queue = (await call<{ cases: { id: number }[] }>(hubei, '/api/review')).body;
		expect(queue.cases.map((c) => c.id)).not.toContain(caseId);
		expectRefused(await call(hubei, `/api/review/${caseId}`));
		expectRefused(await call(hubei, `/api/review/${caseId}`, { decision: 'approve', comment: '冒用审核' }));
		const fujian = await account('reviewer', 'fujian');
		const own = (await call<{ cases: { id: number }[] }>(fujian, '/api/review')).body;
		expect(own.cases.map((c) => c.id)).toContain(caseId);
		const decided = await call(fujian, `/api/review/${caseId}`, { decision: 'reject', comment: '重复身份' });
		expect(decided.status, JSON.stringify(decided.body)).toBe(200);
	}, 180_000);

	it("a Hubei reviewer neither lists, views nor approves a Fujian pre-registration photo; Fujian's does", async () => {
		const upload = await fujianUpload();
		const hubei = await account('reviewer', 'hubei');
		const queue = (await call<{ items: { id: number }[] }>(hubei, '/api/staff/pre-registration')).body;
		expect(queue.items.map((i) => i.id)).not.toContain(upload);
		expectRefused(await call(hubei, `/api/staff/pre-registration/${upload}/photo`));
		expectRefused(await call(hubei, `/api/staff/pre-registration/${upload}`, { decision: 'approve' }));
		const fujian = await account('reviewer', 'fujian');
		const approved = await call(fujian, `/api/staff/pre-registration/${upload}`, { decision: 'approve' });
		expect(approved.status, JSON.stringify(approved.body)).toBe(200);
		expect(approved.body).toMatchObject({ status: 'approved' });
	}, 120_000);

	it('a Hubei kiosk neither finds nor starts a session for a Fujian candidate; a Hubei office reads only Hubei', async () => {
		const idNumber = await registerCandidate(origin, 'fujian', {
			jpeg: await clipFrame(SELFIE, 0),
			source: 'pre_registration'
		});
		const kiosk = await account('kiosk', 'hubei');
		const found = (await call<{ candidates: object[] }>(kiosk, `/api/kiosk/candidates?q=${idNumber}`)).body;
		expect(found.candidates).toEqual([]);
		expectRefused(await call(kiosk, '/api/kiosk/sessions', { idNumber }));
		const fujianKiosk = await account('kiosk', 'fujian');
		expect((await call(fujianKiosk, '/api/kiosk/sessions', { idNumber })).status).toBe(200);
		const office = await account('office', 'hubei');
		expectRefused(await call(office, '/api/staff/dashboard?province=fujian'));
		expect((await call(office, '/api/staff/dashboard?province=hubei')).status).toBe(200);
	}, 120_000);
});
