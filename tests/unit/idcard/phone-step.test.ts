// The phone's ID step result (src/lib/client/idcard.ts): what the candidate's card read must give to pass, what
// asks for confirmation, what blocks, and that the signed result holds measures and codes, never an image.
import { describe, expect, it } from 'vitest';
import { idCardStepResult, summarizeIdCard, type SideReading } from '../../../src/lib/client/idcard.ts';
import type { PhoneRecord } from '../../../src/lib/client/phone-store.ts';
import type { CardFields } from '../../../src/lib/core/idcard/fields.ts';
import { uncertainReason } from '../../../src/lib/core/idcard/uncertain.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';

const record: PhoneRecord = {
	name: '王小明',
	idNumber: '110105199003071239',
	sex: '男',
	ethnicity: '汉',
	birthDate: '1990-03-07',
	address: '北京市朝阳区建国路88号',
	phone: '13800138000',
	major: '汉语言文学（本科）',
	examArea: '北京市朝阳区'
};

const portraitFields: CardFields = {
	name: '王小明',
	sex: '男',
	ethnicity: '汉',
	birthDate: '1990-03-07',
	address: '北京市朝阳区建国路88号',
	idNumber: '110105199003071239'
};

function reading(fields: CardFields): SideReading {
	return {
		status: 'ok',
		side: 'portrait',
		fields,
		confidence: { name: 0.98, idNumber: 0.99 },
		uncertain: [],
		checks: null,
		capture: { location: null, quality: null, areaFraction: 0.6 },
		reasons: [],
		timings: { locate: 1, detect: 1, recognize: 1, total: 3 }
	};
}

const TODAY = '2026-11-25';
const regions = nodeRegionTable();
const opts = { confirmed: false, sources: { portrait: 'album' as const }, runtime: 'wasm' };

describe('phone ID step', () => {
	it('passes a card the phone took for a screen, with the warning in the result for the reviewer', () => {
		const r = reading(portraitFields);
		const measures = { colour: 120, fineColour: 2.8, paperTexture: 40 };
		const readings = {
			portrait: { ...r, capture: { ...r.capture, recapture: { kind: 'screen' as const, measures } } }
		};
		const summary = summarizeIdCard(readings, record, regions, TODAY);
		expect(summary.blocking).toBe(false);
		const result = idCardStepResult(summary, readings, opts);
		expect(result.passed).toBe(true);
		expect(result.reasons).toContain('capture.recapture.screen');
		expect(result.details.portrait_recapture).toBe('screen');
	});

	it('passes the candidate’s own card with the number checked and every field matched', () => {
		const readings = { portrait: reading(portraitFields) };
		const summary = summarizeIdCard(readings, record, regions, TODAY);
		expect(summary.blocking).toBe(false);
		expect(summary.needsConfirmation).toBe(false);
		const result = idCardStepResult(summary, readings, opts);
		expect(result.passed).toBe(true);
		expect(result.details).toMatchObject({
			checksumValid: true,
			compare_idNumber: 'match',
			region: '北京市'
		});
		expect(result.details.card_name).toBeUndefined();
	});

	it('asks to confirm a one-character name difference and passes only once confirmed', () => {
		const readings = { portrait: reading({ ...portraitFields, name: '王小朋' }) };
		const summary = summarizeIdCard(readings, record, regions, TODAY);
		expect(summary.needsConfirmation).toBe(true);
		expect(summary.blocking).toBe(false);
		expect(summary.reasons.map((r) => r.code)).toContain('compare.name.one_char');
		expect(idCardStepResult(summary, readings, opts).passed).toBe(false);
		const confirmed = idCardStepResult(summary, readings, { ...opts, confirmed: true });
		expect(confirmed.passed).toBe(true);
		expect(confirmed.details).toMatchObject({
			compare_name: 'confirm',
			card_name: '王小朋',
			confirmedByCandidate: true
		});
	});

	it('asks to confirm an authority read under a reflection, naming the field, and passes only once confirmed', () => {
		const emblemFields = { authority: '巴中市通江县分局', validFrom: '2016-03-08', validTo: '2036-03-08' };
		const u = { field: 'authority' as const, cause: 'unknown_authority' as const };
		const readings = {
			portrait: reading(portraitFields),
			emblem: {
				...reading(emblemFields),
				side: 'emblem' as const,
				uncertain: [u],
				reasons: [uncertainReason(u, emblemFields.authority)]
			}
		};
		const summary = summarizeIdCard(readings, record, regions, TODAY);
		expect(summary.blocking).toBe(false);
		expect(summary.needsConfirmation).toBe(true);
		expect(summary.uncertain).toEqual(['authority']);
		expect(summary.reasons.map((r) => r.code)).toContain('ocr.uncertain.authority');
		const unconfirmed = idCardStepResult(summary, readings, opts);
		expect(unconfirmed.passed).toBe(false);
		const confirmed = idCardStepResult(summary, readings, { ...opts, confirmed: true });
		expect(confirmed.passed).toBe(true);
		expect(confirmed.reasons).toContain('ocr.uncertain.authority');
	});

	it('marks both dates of a validity line read under a reflection, with one reason for the line', () => {
		const emblemFields = {
			authority: '北京市公安局朝阳分局',
			validFrom: '2016-03-08',
			validTo: '2036-03-08'
		};
		const u = { field: 'validFrom' as const, cause: 'glare' as const };
		const readings = {
			portrait: reading(portraitFields),
			emblem: {
				...reading(emblemFields),
				side: 'emblem' as const,
				uncertain: [u],
				reasons: [uncertainReason(u, emblemFields.validFrom)]
			}
		};
		const summary = summarizeIdCard(readings, record, regions, TODAY);
		expect(summary.needsConfirmation).toBe(true);
		expect(summary.uncertain).toEqual(['validFrom', 'validTo']);
		expect(summary.reasons.filter((r) => r.code.startsWith('ocr.uncertain.')).map((r) => r.code)).toEqual([
			'ocr.uncertain.validFrom'
		]);
	});

	it("words an uncertain field's reason from the reading's uncertain list, the same list that marks it", () => {
		const emblemFields = { authority: '巴中市通江县分局', validFrom: '2016-03-08', validTo: '2036-03-08' };
		const u = { field: 'authority' as const, cause: 'unknown_authority' as const };
		const emblem = { ...reading(emblemFields), side: 'emblem' as const, uncertain: [u], reasons: [] };
		const summary = summarizeIdCard({ portrait: reading(portraitFields), emblem }, record, regions, TODAY);
		expect(summary.uncertain).toEqual(['authority']);
		expect(summary.reasons).toContainEqual(uncertainReason(u, emblemFields.authority));
	});

	it('blocks another person’s number and an expired card, naming each reason', () => {
		const other = { portrait: reading({ ...portraitFields, idNumber: '420102198809214517' }) };
		const s1 = summarizeIdCard(other, record, regions, TODAY);
		expect(s1.blocking).toBe(true);
		expect(s1.reasons.map((r) => r.code)).toContain('compare.idNumber.mismatch');
		expect(idCardStepResult(s1, other, { ...opts, confirmed: true }).passed).toBe(false);

		const expired = {
			portrait: reading(portraitFields),
			emblem: {
				...reading({ authority: '北京市公安局朝阳分局', validFrom: '2005-01-01', validTo: '2025-01-01' }),
				side: 'emblem' as const
			}
		};
		const s2 = summarizeIdCard(expired, record, regions, TODAY);
		expect(s2.checks.expired).toBe(true);
		expect(s2.blocking).toBe(true);
		expect(idCardStepResult(s2, expired, opts).details.expired).toBe(true);
	});

	it('asks to confirm an ethnicity read outside the 56 (傈僳 read as 衡), and passes only once confirmed', () => {
		const own = { ...record, ethnicity: '傈僳' };
		const fields = { ...portraitFields, ethnicity: '衡' };
		const u = { field: 'ethnicity' as const, cause: 'unknown_ethnicity' as const };
		const readings = {
			portrait: { ...reading(fields), uncertain: [u], reasons: [uncertainReason(u, '衡')] }
		};
		const summary = summarizeIdCard(readings, own, regions, TODAY);
		expect(summary.blocking).toBe(false);
		expect(summary.needsConfirmation).toBe(true);
		expect(summary.uncertain).toEqual(['ethnicity']);
		expect(summary.reasons.filter((r) => r.code.includes('ethnicity')).map((r) => r.code)).toEqual([
			'ocr.uncertain.ethnicity'
		]);
		expect(idCardStepResult(summary, readings, opts).passed).toBe(false);
		expect(idCardStepResult(summary, readings, { ...opts, confirmed: true }).passed).toBe(true);
	});

	it('a confirmed repair of the number does not carry a failed check: an expired card still blocks', () => {
		// The record's number with its birth day misread (0307 as 0301): the reader proposes the repair.
		const misread = { ...portraitFields, idNumber: '110105199003011239' };
		const emblem = (validTo: string) => ({
			...reading({ authority: '北京市公安局朝阳分局', validFrom: '2005-01-01', validTo }),
			side: 'emblem' as const
		});
		const current = { portrait: reading(misread), emblem: emblem('2035-01-01') };
		const repaired = summarizeIdCard(current, record, regions, TODAY);
		expect(repaired.checks.idNumber?.repair?.idNumber).toBe(record.idNumber);
		expect(repaired.blocking).toBe(false);
		expect(idCardStepResult(repaired, current, { ...opts, confirmed: true }).passed).toBe(true);

		const expired = { portrait: reading(misread), emblem: emblem('2025-01-01') };
		const s = summarizeIdCard(expired, record, regions, TODAY);
		expect(s.checks.needsConfirmation).toBe(true);
		expect(s.blocking).toBe(true);
		expect(idCardStepResult(s, expired, { ...opts, confirmed: true }).passed).toBe(false);
	});

	it('passes a number whose region no list knows, with the note for reviewers in the signed result', () => {
		const idNumber = '420199199003071231'; // 4201 Wuhan; county 99 in no list
		const own = { ...record, idNumber };
		const readings = { portrait: reading({ ...portraitFields, idNumber }) };
		const summary = summarizeIdCard(readings, own, regions, TODAY);
		expect(summary.blocking).toBe(false);
		expect(summary.needsConfirmation).toBe(false);
		const result = idCardStepResult(summary, readings, opts);
		expect(result.passed).toBe(true);
		expect(result.reasons).toContain('id.region_unverified');
		expect(result.details).toMatchObject({ idKind: 'resident', regionStatus: 'unverified' });
	});

	it('signs measures and codes only: no image, no long strings', () => {
		const readings = { portrait: reading(portraitFields) };
		const result = idCardStepResult(summarizeIdCard(readings, record, regions, TODAY), readings, opts);
		const strings = JSON.stringify(result).match(/"[^"]*"/g) ?? [];
		expect(Math.max(...strings.map((s) => s.length))).toBeLessThan(100);
		expect(Object.keys(result)).toEqual(['kind', 'passed', 'scores', 'reasons', 'models', 'details']);
	});
});
