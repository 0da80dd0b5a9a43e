// A registration record must be true to its own ID number: the registration API and CSV import refuse a number
// that cannot exist (province 00, 30 February, a birth next year) and a birthDate or sex that contradicts the
// number, with a message per field in both languages; a region code no list knows is stored with a note.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../src/lib/core/idcard/number.ts';
import { importCandidatesCsv } from '../../src/lib/server/services/csv-import.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { REGISTRATION_TOKEN, type ServerProcess } from './server-process.ts';
import { testServer } from './test-server.ts';

const withCheck = (first17: string) => first17 + checkCharacter(first17);
const nextYear = new Date().getUTCFullYear() + 1;
let serial = 10 + Math.floor(Math.random() * 60);
/** A fresh valid number of a man born 1990-03-07 (`head`: six characters). */
const man = (head = '110105') => withCheck(`${head}19900307${serial++}1`);

const record = (overrides: Record<string, string> = {}) => ({
	idNumber: man(),
	name: '记录测试',
	sex: '男',
	ethnicity: '汉',
	birthDate: '1990-03-07',
	address: '北京市朝阳区测试路1号',
	phone: '13900000000',
	major: '法学',
	examArea: '北京市朝阳区',
	province: 'beijing',
	...overrides
});

/** Records that contradict themselves, and the field each must be refused on. */
const contradictions: [string, Record<string, string>, string][] = [
	['province 00', { idNumber: withCheck('00010519900307001') }, 'idNumber'],
	['30 February', { idNumber: withCheck('11010519900230001'), birthDate: '1990-02-30' }, 'idNumber'],
	[
		'born next year',
		{ idNumber: withCheck(`110105${nextYear}0101001`), birthDate: `${nextYear}-01-01` },
		'idNumber'
	],
	['birthDate not the number’s', { birthDate: '1990-03-08' }, 'birthDate'],
	['sex not the number’s', { sex: '女' }, 'sex'],
	['permit head not 0000', { idNumber: withCheck('81123419900307001') }, 'idNumber']
];

describe('CSV import', () => {
	let handle: TestDatabase;
	beforeAll(async () => {
		handle = await testDatabase();
	});
	afterAll(() => handle?.close());

	it('refuses every contradictory row, naming the field in both languages', async () => {
		const columns = Object.keys(record());
		const rows = contradictions.map(([, overrides]) => {
			const r = record(overrides);
			return columns.map((c) => r[c as keyof typeof r]).join(',');
		});
		const report = await importCandidatesCsv(handle.db, [columns.join(','), ...rows].join('\n'));
		expect(report.created).toBe(0);
		expect(report.errors.map((e) => e.line)).toEqual(contradictions.map((_, i) => i + 2));
		report.errors.forEach((error, i) => {
			const [what, , field] = contradictions[i];
			const problem = (error as { fields?: { field: string; zh: string; en: string }[] }).fields?.find(
				(f) => f.field === field
			);
			expect(problem, what).toBeDefined();
			expect(problem!.zh, what).toMatch(/[\u4e00-\u9fff]/);
			expect(problem!.en, what).toMatch(/[a-z]{3}/);
		});
	});

	it('stores a valid row with lower-case x and spaces, and notes a region code no list knows', async () => {
		const columns = Object.keys(record());
		const id = withCheck('42019919900307003'); // 4201 Wuhan; 420199 is in no list
		const spaced = `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14).toLowerCase()}`;
		const r = record({ idNumber: spaced, address: '湖北省武汉市', province: 'hubei' });
		const report = await importCandidatesCsv(
			handle.db,
			[columns.join(','), columns.map((c) => r[c as keyof typeof r]).join(',')].join('\n')
		);
		expect(report.errors).toEqual([]);
		expect(report.created).toBe(1);
		expect((report as { notes?: unknown }).notes).toEqual([
			{ line: 2, idNumber: id, codes: ['id.region_unverified'] }
		]);
	});
});

describe('registration API (built server)', () => {
	let server: ServerProcess;
	let close: () => Promise<void>;
	beforeAll(async () => {
		({ server, close } = await testServer(3360));
	}, 120_000);
	afterAll(() => close?.());

	const post = (body: unknown) =>
		fetch(`${server.origin}/api/registration/candidates`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${REGISTRATION_TOKEN}` },
			body: JSON.stringify(body)
		});

	it('refuses each contradictory record with a message per field', async () => {
		for (const [what, overrides, field] of contradictions) {
			const r = await post(record(overrides));
			expect(r.status, what).toBe(400);
			const { error } = await r.json();
			expect(error.code, what).toBe('invalid_record');
			const problem = error.fields.find((f: { field: string }) => f.field === field);
			expect(problem, what).toMatchObject({ field, zh: expect.any(String), en: expect.any(String) });
		}
	});

	it('names every problem of a batch by record and field, and stores none of it', async () => {
		const good = record();
		const r = await post({ candidates: [good, record({ birthDate: '1990-03-08', sex: '女' })] });
		expect(r.status).toBe(400);
		const { error } = await r.json();
		expect(error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
			'candidates.1.birthDate',
			'candidates.1.sex'
		]);
		expect(error.zh).toContain('出生日期');
		const retry = await post({ candidates: [good] });
		expect(retry.status).toBe(200);
		expect((await retry.json()).results[0]).toMatchObject({ created: true, notes: [] });
	});

	it('accepts permanent residence IDs and residence permits whose record agrees', async () => {
		for (const idNumber of [man('911840'), man('820000'), man('830000')]) {
			const r = await post(record({ idNumber }));
			expect(r.status, idNumber).toBe(200);
		}
	});
});
