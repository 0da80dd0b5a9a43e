import { describe, expect, it } from 'vitest';
import { checkCharacter } from '../../../src/lib/core/idcard/number.ts';
import { normalizeIdText, repairIdNumber } from '../../../src/lib/core/idcard/repair.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';

const context = { regions: nodeRegionTable(), today: '2026-11-25' };
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
		const r = repairIdNumber(misread, { birthDate: '1988-08-15', sex: '男' }, context);
		expect(r.idNumber).toBe(truth);
		expect(r.needsConfirmation).toBe(true);
		expect(r.supportedBy).toEqual(['birthDate', 'sex']);
	});

	it('does not repair without evidence, even if candidates validate', () => {
		const misread = truth.slice(0, 11) + '3' + truth.slice(12);
		expect(repairIdNumber(misread, {}, context).idNumber).toBeNull();
	});

	it('repairs any misread digit the printed birth date locates, not only look-alikes', () => {
		for (let i = 6; i < 14; i++) {
			for (const d of '0123456789') {
				if (d === truth[i]) continue;
				const misread = truth.slice(0, i) + d + truth.slice(i + 1);
				expect(repairIdNumber(misread, { birthDate: '1988-08-15' }, context).idNumber, misread).toBe(truth);
			}
		}
	});

	it('repairs a region code no list knows when exactly one digit gives a known one', () => {
		const misread = '4' + '9' + truth.slice(2); // 42 -> 49: no such province
		const r = repairIdNumber(misread, { birthDate: '1988-08-15', sex: '男' }, context);
		expect(r.candidates).toContain(truth);
		if (r.candidates.length === 1) expect(r.idNumber).toBe(truth);
		else expect(r.idNumber).toBeNull();
	});

	it('never repairs what nothing on the card locates: a misread sequence digit or check character', () => {
		for (const i of [14, 15, 17]) {
			for (const d of '0123456789X') {
				if (d === truth[i] || (i < 17 && d === 'X')) continue;
				const misread = truth.slice(0, i) + d + truth.slice(i + 1);
				const r = repairIdNumber(misread, { birthDate: '1988-08-15', sex: '男' }, context);
				expect(r.idNumber, misread).toBeNull();
			}
		}
	});

	it('does not repair when several candidates agree with the evidence (misread outside the birth field)', () => {
		let refused = 0;
		let tried = 0;
		for (const pos of [0, 1, 2, 3, 4, 5, 14, 15]) {
			for (const d of '0123456789') {
				if (d === truth[pos]) continue;
				const misread = truth.slice(0, pos) + d + truth.slice(pos + 1);
				if (checkCharacter(misread.slice(0, 17)) === misread[17]) continue;
				const r = repairIdNumber(misread, { birthDate: '1988-08-15', sex: '男' }, context);
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
		expect(repairIdNumber(truth, { birthDate: '1988-08-15' }, context).idNumber).toBeNull();
	});

	it('never proposes a number that contradicts the printed sex', () => {
		const misread = truth.slice(0, 16) + '6' + truth.slice(17); // seq digit 1 -> 6 flips parity
		const r = repairIdNumber(misread, { birthDate: '1988-08-15', sex: '男' }, context);
		if (r.idNumber) expect(Number(r.idNumber[16]) % 2).toBe(1);
	});
});
