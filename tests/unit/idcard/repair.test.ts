import { describe, expect, it } from 'vitest';
import { checkCharacter } from '../../../src/lib/core/idcard/number.ts';
import { normalizeIdText, repairIdNumber } from '../../../src/lib/core/idcard/repair.ts';

const truth17 = '42010619880815321';
const truth = truth17 + checkCharacter(truth17);

describe('normalizeIdText', () => {
	it('maps full-width digits, letters that can only be digits, and a trailing x/×', () => {
		expect(normalizeIdText('１１０１０５１９４９１２３１００２x')).toBe('11010519491231002X');
		expect(normalizeIdText('11O1O5 1949 1231 OO2×')).toBe('11010519491231002X');
	});
});

describe('repairIdNumber', () => {
	it('repairs a misread birth digit when the printed birth date supports exactly one candidate', () => {
		const misread = truth.slice(0, 11) + '3' + truth.slice(12); // 08 -> 03: a classic 8/3 confusion
		const r = repairIdNumber(misread, { birthDate: '1988-08-15', sex: '男' });
		expect(r.idNumber).toBe(truth);
		expect(r.needsConfirmation).toBe(true);
		expect(r.supportedBy).toEqual(['birthDate', 'sex']);
	});

	it('does not repair without evidence, even if candidates validate', () => {
		const misread = truth.slice(0, 11) + '3' + truth.slice(12);
		const r = repairIdNumber(misread, {});
		expect(r.idNumber).toBeNull();
		expect(r.candidates.length).toBeGreaterThan(0);
	});

	it('does not repair when several candidates agree with the evidence (misread outside the birth field)', () => {
		let refused = 0;
		let tried = 0;
		for (const pos of [0, 1, 2, 3, 4, 5, 14, 15]) {
			for (const d of '0123456789') {
				if (d === truth[pos]) continue;
				const misread = truth.slice(0, pos) + d + truth.slice(pos + 1);
				if (checkCharacter(misread.slice(0, 17)) === misread[17]) continue;
				const r = repairIdNumber(misread, { birthDate: '1988-08-15', sex: '男' });
				tried++;
				// Whatever happens, a proposed repair must agree with the evidence and validate.
				if (r.idNumber) expect(r.idNumber.slice(6, 14)).toBe('19880815');
				else refused++;
			}
		}
		expect(tried).toBeGreaterThan(50);
		expect(refused).toBeGreaterThan(0);
	});

	it('leaves valid numbers alone', () => {
		expect(repairIdNumber(truth, { birthDate: '1988-08-15' }).idNumber).toBeNull();
	});

	it('never proposes a number that contradicts the printed sex', () => {
		const misread = truth.slice(0, 16) + '6' + truth.slice(17); // seq digit 1 -> 6 flips parity
		const r = repairIdNumber(misread, { birthDate: '1988-08-15', sex: '男' });
		if (r.idNumber) expect(Number(r.idNumber[16]) % 2).toBe(1);
	});
});
