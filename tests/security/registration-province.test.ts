// A province's registration system works on its own province's records, as a staff account of one province does.
// The server is configured with a Hubei and a Beijing system's tokens beside the national one; a scripted client
// holding the Hubei token tries to write, move, start sessions for, read the photo audit of and read the outcomes of
// Beijing's candidates. Each meets 403 other_province and leaves the record as it was; the national token and the
// Beijing token doing the same are the controls. Before, one token served every province.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRATION_TOKEN, type ServerProcess } from '../integration/server-process.ts';
import { TEST_PHOTO, TEST_SIGNATURE, newIdNumber } from '../integration/support.ts';
import { testServer } from '../integration/test-server.ts';
import { candidateRecord, forge, registerCandidate } from './client.ts';

const HUBEI = 'hubei-registration-system-token';
const BEIJING = 'beijing-registration-system-token';

let server: ServerProcess;
let admin = '';
let close: () => Promise<void>;

beforeAll(async () => {
	({
		server,
		cookie: admin,
		close
	} = await testServer(3290, {
		ZV_STATIC_DIR: join(process.cwd(), 'static'),
		ZV_REGISTRATION_TOKENS: `hubei=${HUBEI}, beijing=${BEIJING}`
	}));
}, 180_000);
afterAll(() => close?.());

interface Answer {
	status: number;
	body: {
		error?: { code: string };
		results?: { created: boolean }[];
		errors?: { line: number; fields: { code: string }[] }[];
		created?: number;
		events?: { idNumber: string; province: string }[];
	};
}

async function api(token: string, path: string, body?: unknown, type = 'application/json'): Promise<Answer> {
	const r = await fetch(`${server.origin}/api/registration/${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': type },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
	});
	return { status: r.status, body: (await r.json()) as Answer['body'] };
}

function expectOtherProvince(answer: Answer) {
	expect(answer.status, JSON.stringify(answer.body)).toBe(403);
	expect(answer.body.error?.code).toBe('other_province');
}

describe(`a province's registration system (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it("writes its own province's records and neither writes nor moves another's", async () => {
		const hubeiId = newIdNumber('420102');
		expect((await api(HUBEI, 'candidates', candidateRecord(hubeiId, 'hubei'))).status).toBe(200);
		const beijingId = await registerCandidate(server.origin, 'beijing');
		// A new Beijing record, and the Beijing candidate moved to Hubei with the attacker's phone number.
		expectOtherProvince(await api(HUBEI, 'candidates', candidateRecord(newIdNumber('110105'), 'beijing')));
		const moved = { ...candidateRecord(beijingId, 'hubei'), phone: '13111111111' };
		expectOtherProvince(
			await api(HUBEI, 'candidates', { candidates: [candidateRecord(hubeiId, 'hubei'), moved] })
		);
		// The Beijing record is still Beijing's: its own system updates it in place.
		const own = await api(BEIJING, 'candidates', candidateRecord(beijingId, 'beijing'));
		expect(own.status).toBe(200);
		expect(own.body.results?.[0].created).toBe(false);
		// The CSV import refuses the row by its line, and stores the Hubei row beside it.
		const columns = Object.keys(candidateRecord(hubeiId, 'hubei'));
		const row = (r: Record<string, string>) => columns.map((c) => r[c]).join(',');
		const csv = [
			columns.join(','),
			row(candidateRecord(newIdNumber('420102'), 'hubei')),
			row({ ...candidateRecord(beijingId, 'hubei'), phone: '13111111111' })
		].join('\n');
		const report = await api(HUBEI, 'candidates.csv', csv, 'text/csv');
		expect(report.status).toBe(200);
		expect(report.body.created).toBe(1);
		expect(report.body.errors?.map((e) => [e.line, e.fields[0].code])).toEqual([[3, 'other_province']]);
	});

	it("starts no session, sends no link and reads no photo audit for another province's candidate", async () => {
		// Here the Beijing system is the one that reaches over, to a Hubei candidate (Hubei offers the QR link).
		const hubeiId = await registerCandidate(server.origin, 'hubei');
		expectOtherProvince(await api(BEIJING, 'sessions', { idNumber: hubeiId }));
		expectOtherProvince(await api(BEIJING, 'links', { idNumber: hubeiId }));
		expectOtherProvince(await api(BEIJING, `pre-registration-photos?idNumber=${hubeiId}`));
		expect((await api(HUBEI, 'sessions', { idNumber: hubeiId })).status).toBe(200);
		expect((await api(REGISTRATION_TOKEN, 'sessions', { idNumber: hubeiId })).status).toBe(200);
	});

	it("reads its own province's outcome events only; the national system reads them all", async () => {
		const hubeiId = await registerCandidate(server.origin, 'hubei');
		const beijingId = await registerCandidate(server.origin, 'beijing');
		// Two outcomes (held for review: the candidates have no reference photo), one in each province.
		const hubeiOutcome = await forge(server.origin, admin, hubeiId, {
			photo: TEST_PHOTO,
			signature: TEST_SIGNATURE
		});
		expect(hubeiOutcome.body.outcome).toBe('review');
		expect((await forge(server.origin, admin, beijingId, { photo: TEST_PHOTO })).body.outcome).toBe('review');
		const polled = async (token: string) =>
			(await api(token, 'outcomes?since=0&limit=500')).body.events ?? [];
		const hubei = await polled(HUBEI);
		expect(hubei.map((e) => e.idNumber)).toContain(hubeiId);
		expect(new Set(hubei.map((e) => e.province))).toEqual(new Set(['hubei']));
		expect((await polled(BEIJING)).map((e) => e.idNumber)).toEqual([beijingId]);
		const all = (await polled(REGISTRATION_TOKEN)).map((e) => e.idNumber);
		expect(all).toEqual(expect.arrayContaining([hubeiId, beijingId]));
	});
});
