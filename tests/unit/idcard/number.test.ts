import { describe, expect, it } from 'vitest';
import { checkCharacter, checkIdNumber, hasValidChecksum } from '../../../src/lib/core/idcard/number.ts';
import { lookupRegion } from '../../../src/lib/core/idcard/regions.ts';

const today = '2026-11-25';

describe('GB 11643-1999 checksum (ISO 7064 MOD 11-2)', () => {
	it('accepts the two examples printed in the standard', () => {
		expect(hasValidChecksum('11010519491231002X')).toBe(true);
		expect(hasValidChecksum('440524188001010014')).toBe(true);
		expect(checkCharacter('11010519491231002')).toBe('X');
		expect(checkCharacter('44052418800101001')).toBe('4');
	});

	it('rejects any single changed digit of a valid number', () => {
		const id = '11010519491231002X';
		for (let i = 0; i < 17; i++) {
			const d = (Number(id[i]) + 1) % 10;
			expect(hasValidChecksum(id.slice(0, i) + d + id.slice(i + 1))).toBe(false);
		}
	});

	it('rejects the fictional specimen number (correct check digit is 7)', () => {
		const check = checkIdNumber('123456789012345678', today);
		expect(check.checksumValid).toBe(false);
		expect(check.expectedCheck).toBe('7');
		expect(check.valid).toBe(false);
		expect(check.reasons.map((r) => r.code)).toContain('id.checksum');
	});
});

describe('checkIdNumber', () => {
	it('derives birth date, sex and region', () => {
		const c = checkIdNumber('11010519491231002x', today);
		expect(c.valid).toBe(true);
		expect(c.idNumber).toBe('11010519491231002X');
		expect(c.birthDate).toBe('1949-12-31');
		expect(c.sex).toBe('女');
		expect(c.region?.label).toBe('北京市朝阳区');
		expect(c.region?.level).toBe('county');
		const m = checkIdNumber('440524188001010014', today);
		expect(m.sex).toBe('男');
		expect(m.birthDate).toBe('1880-01-01');
	});

	it('refuses impossible dates, unknown provinces and malformed input', () => {
		const badDate = '11010519490230' + '001';
		expect(checkIdNumber(badDate + checkCharacter(badDate), today).reasons.map((r) => r.code)).toContain(
			'id.birth_invalid'
		);
		const badProvince = '99010519491231002';
		const r = checkIdNumber(badProvince + checkCharacter(badProvince), today);
		expect(r.valid).toBe(false);
		expect(r.reasons.map((x) => x.code)).toContain('id.region_unknown');
		expect(checkIdNumber('1101051949123100', today).wellFormed).toBe(false);
		const future = '11010520301231001';
		expect(checkIdNumber(future + checkCharacter(future), today).valid).toBe(false);
	});

	it('is lenient below the province: an unlisted county still validates', () => {
		const id17 = '42019919900101001'; // 4201 武汉市 known, 420199 not in the table
		const c = checkIdNumber(id17 + checkCharacter(id17), today);
		expect(c.valid).toBe(true);
		expect(c.region?.level).toBe('prefecture');
		expect(lookupRegion('420106').label).toBe('湖北省武汉市武昌区');
	});
});
