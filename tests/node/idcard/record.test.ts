// Reading a card and comparing it with the registration record, end to end with the real models.
import { describe, expect, it } from 'vitest';
import { compareWithRecord } from '../../../src/lib/core/idcard/compare.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { generateCard } from '../../support/idcard/generate.ts';
import { idCardReader } from '../../support/idcard/reader.ts';

describe('card vs registration record', () => {
	it('asks for confirmation, not rejection, when a name character is missing from the OCR dictionary', async () => {
		// 赟 is not in ppocr_keys_v1.txt, so OCR cannot read it: the name comes back one character off.
		const card = await generateCard({ seed: 91, side: 'portrait', identity: { name: '王赟' }, write: false });
		const r = await idCardReader.read(await decodeImage(card.bytes), { today: '2026-11-25' });
		expect(r.fields.name).not.toBe('王赟');
		const id = card.identity;
		const cmp = compareWithRecord(r.fields, {
			name: '王赟',
			sex: id.sex,
			ethnicity: `${id.ethnicity}族`,
			birthDate: id.birthDate,
			address: id.address,
			idNumber: id.idNumber
		});
		expect(cmp.verdict).toBe('confirm');
		expect(cmp.reasons.map((x) => x.code)).toEqual(['compare.name.one_char']);
	});

	it('rejects a card of someone else, naming the fields that differ', async () => {
		const a = await generateCard({ seed: 92, side: 'portrait', write: false });
		const b = await generateCard({ seed: 93, side: 'portrait', write: false });
		const r = await idCardReader.read(await decodeImage(a.bytes), { today: '2026-11-25' });
		const cmp = compareWithRecord(r.fields, { name: b.identity.name, idNumber: b.identity.idNumber });
		expect(cmp.verdict).toBe('mismatch');
		expect(cmp.fields.map((f) => [f.field, f.status])).toEqual([
			['name', 'mismatch'],
			['idNumber', 'mismatch']
		]);
	});
});
