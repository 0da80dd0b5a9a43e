// Which fields of a kept reading are flagged for a retake or the candidate's confirmation, and what they are told.
import { describe, expect, it } from 'vitest';
import { uncertainFields, uncertainReason } from '../../../src/lib/core/idcard/uncertain.ts';

const known = (a: string) => a === '巴中市公安局通江县分局';

describe('uncertainFields', () => {
	it('flags an authority that no bureau of the table names (巴中市公安局 read 巴中市 under a reflection)', () => {
		const u = uncertainFields({ authority: '巴中市通江县分局', validFrom: '2016-03-08' }, [], known);
		expect(u).toEqual([{ field: 'authority', cause: 'unknown_authority' }]);
		const r = uncertainReason(u[0], '巴中市通江县分局');
		expect(r.code).toBe('ocr.uncertain.authority');
		expect(r.zh).toContain('签发机关“巴中市通江县分局”');
		expect(r.en).toContain('issuing authority "巴中市通江县分局"');
	});

	it('flags a field with print hidden under glare, once, naming glare as the cause', () => {
		const u = uncertainFields(
			{ authority: '巴中市公安局通江县分局', validFrom: '2016-03-08', validTo: '2036-03-08' },
			['authority', 'validFrom'],
			known
		);
		expect(u).toEqual([
			{ field: 'authority', cause: 'glare' },
			{ field: 'validFrom', cause: 'glare' }
		]);
		expect(uncertainReason(u[1], '2016-03-08').zh).toContain('反光');
	});

	it('flags an ethnicity none of the 56 (傈僳 read as 衡), once, and not one of them', () => {
		expect(uncertainFields({ ethnicity: '衡' }, [], known)).toEqual([
			{ field: 'ethnicity', cause: 'unknown_ethnicity' }
		]);
		expect(uncertainFields({ ethnicity: '衡' }, ['ethnicity'], known)).toEqual([
			{ field: 'ethnicity', cause: 'glare' }
		]);
		expect(uncertainFields({ ethnicity: '傈僳' }, [], known)).toEqual([]);
		const r = uncertainReason({ field: 'ethnicity', cause: 'unknown_ethnicity' }, '衡');
		expect(r.code).toBe('ocr.uncertain.ethnicity');
		expect(r.zh).toContain('请重拍，或核对后确认');
	});

	it('flags nothing on a clean reading of a known authority, nor a field the side does not carry', () => {
		expect(uncertainFields({ authority: '巴中市公安局通江县分局' }, [], known)).toEqual([]);
		expect(uncertainFields({ authority: '巴中市公安局通江县分局' }, ['idNumber'], known)).toEqual([]);
	});
});
