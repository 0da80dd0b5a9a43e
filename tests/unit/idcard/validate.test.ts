import { describe, expect, it } from 'vitest';
import { validateCard } from '../../../src/lib/core/idcard/validate.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';
import { checkExpiry, parseValidity } from '../../../src/lib/core/idcard/validity.ts';

const today = '2026-11-25';
const regions = nodeRegionTable();

describe('validity period', () => {
	it('parses dated and long-term periods', () => {
		expect(parseValidity('2010.01.01-2020.01.01')).toEqual({
			validFrom: '2010-01-01',
			validTo: '2020-01-01'
		});
		expect(parseValidity('2015.03.04-长期')).toEqual({ validFrom: '2015-03-04', validTo: '长期' });
		expect(parseValidity('2019.07.21—2029.07.21')).toEqual({
			validFrom: '2019-07-21',
			validTo: '2029-07-21'
		});
	});
	it('expires after the last printed day; 长期 never does', () => {
		expect(checkExpiry({ validFrom: '2010-01-01', validTo: '2020-01-01' }, today).expired).toBe(true);
		expect(checkExpiry({ validFrom: '2016-11-25', validTo: '2026-11-25' }, today).expired).toBe(false);
		expect(checkExpiry({ validFrom: '2015-03-04', validTo: '长期' }, today).expired).toBe(false);
		expect(checkExpiry({ validFrom: null, validTo: null }, today).expired).toBeNull();
	});
});

describe('validateCard', () => {
	it('reports the specimen: invalid checksum and expired; an ethnicity outside the 56 is measured, not failed', () => {
		const c = validateCard(
			{
				name: 'AIRobot',
				sex: '男',
				ethnicity: '瓦尔肯',
				birthDate: '1999-09-09',
				idNumber: '123456789012345678',
				validFrom: '2010-01-01',
				validTo: '2020-01-01'
			},
			today,
			regions
		);
		expect(c.ok).toBe(false);
		const codes = c.reasons.map((r) => r.code);
		expect(codes).toContain('id.checksum');
		expect(codes).toContain('validity.expired');
		expect(c.expired).toBe(true);
		// A misread the reader marks uncertain for the candidate to confirm (uncertain.ts), not a failed check.
		expect(c.ethnicityKnown).toBe(false);
		expect(codes).not.toContain('ethnicity.unknown');
	});

	it('accepts a consistent card and catches a printed birth date that disagrees with the number', () => {
		const fields = {
			sex: '女' as const,
			birthDate: '1949-12-31',
			ethnicity: '汉',
			idNumber: '11010519491231002X'
		};
		expect(validateCard(fields, today, regions).ok).toBe(true);
		const bad = validateCard({ ...fields, birthDate: '1949-12-30' }, today, regions);
		expect(bad.ok).toBe(false);
		expect(bad.reasons.map((r) => r.code)).toContain('id.birth_disagrees');
	});

	it('proposes a supported repair and asks for confirmation', () => {
		const c = validateCard(
			{ sex: '女', birthDate: '1949-12-31', idNumber: '11010519491281002X' },
			today,
			regions
		);
		expect(c.idNumber?.repair?.idNumber).toBe('11010519491231002X');
		expect(c.needsConfirmation).toBe(true);
		expect(c.reasons.map((r) => r.code)).toEqual(['id.repaired']);
	});
});
