import { describe, expect, it } from 'vitest';
import { compareWithRecord } from '../../../src/lib/core/idcard/compare.ts';
import { maskAddress } from '../../../src/lib/core/mask.ts';
import { ETHNICITIES, isEthnicity } from '../../../src/lib/core/idcard/ethnicities.ts';
import { normalizeName, similarity } from '../../../src/lib/core/idcard/text.ts';

const card = {
	name: '张伟',
	sex: '男' as const,
	ethnicity: '汉',
	birthDate: '1988-08-15',
	address: '湖北省武汉市武昌区中南路99号3栋2单元501室',
	idNumber: '420106198808153219'
};

describe('compareWithRecord', () => {
	it('matches a record typed with full-width characters, spaces and 族', () => {
		const r = compareWithRecord(card, {
			name: '张 伟',
			sex: '男',
			ethnicity: '汉族',
			birthDate: '1988年8月15日',
			address: '湖北省武汉市武昌区中南路９９号３栋２单元５０１室',
			idNumber: '420106198808153219'
		});
		expect(r.verdict).toBe('match');
		expect(r.reasons).toEqual([]);
	});

	it('compares the card address up to a masked record address (the server masks it after its first characters)', () => {
		const masked = maskAddress('湖北省武汉市武昌区中南路99号3栋2单元501室');
		expect(masked).toBe('湖北省武汉市****');
		const same = compareWithRecord(card, { name: card.name, address: masked, idNumber: card.idNumber });
		expect(same.fields.find((f) => f.field === 'address')?.status).toBe('match');
		const other = compareWithRecord(
			{ ...card, address: '北京市朝阳区建国路88号' },
			{ name: card.name, address: masked, idNumber: card.idNumber }
		);
		expect(other.fields.find((f) => f.field === 'address')?.status).toBe('mismatch');
	});

	it('a character the reader dropped or added inside the masked part asks for confirmation, not a mismatch', () => {
		// Cut at the mask's length, a read one character short or long is shifted against the record: every
		// character after the slip would count as different.
		const masked = maskAddress('湖北省武汉市武昌区中南路99号3栋2单元501室');
		const status = (address: string) =>
			compareWithRecord(
				{ ...card, address },
				{ name: card.name, address: masked, idNumber: card.idNumber }
			).fields.find((f) => f.field === 'address')?.status;
		expect(status('北省武汉市武昌区中南路99号')).toBe('confirm');
		expect(status('湖北省汉市武昌区中南路99号')).toBe('confirm');
		expect(status('湖北省省武汉市武昌区中南路99号')).toBe('confirm');
		// Two slips in six characters are a different address.
		expect(status('北省汉市武昌区中南路99号')).toBe('mismatch');
	});

	it('asks for confirmation when one name character differs (rare character missing from OCR)', () => {
		const r = compareWithRecord({ ...card, name: '李中' }, { name: '李翀', idNumber: card.idNumber });
		expect(r.verdict).toBe('confirm');
		expect(r.fields[0].reason?.code).toBe('compare.name.one_char');
		expect(r.fields[0].reason?.zh).toContain('请确认');
	});

	it('asks for confirmation when one glyph of a two-glyph ethnicity differs; a one-glyph ethnicity still differs', () => {
		const field = (read: string, registered: string) =>
			compareWithRecord(
				{ ...card, ethnicity: read },
				{ name: card.name, ethnicity: registered, idNumber: card.idNumber }
			).fields.find((f) => f.field === 'ethnicity');
		// 仫 is not in the recogniser's dictionary: 仫佬 is read as its neighbour 仡佬.
		expect(field('仡佬', '仫佬')).toMatchObject({
			status: 'confirm',
			reason: { code: 'compare.ethnicity.one_char' }
		});
		expect(field('仡佬', '仫佬族')?.status).toBe('confirm');
		expect(field('仫佬', '仫佬族')?.status).toBe('match');
		expect(field('汉', '壮')?.status).toBe('mismatch');
		expect(field('布依', '傈僳')?.status).toBe('mismatch');
	});

	it('asks about an ethnicity read outside the 56 (傈僳 read as 衡) instead of calling it a different one', () => {
		const r = compareWithRecord(
			{ ...card, ethnicity: '衡' },
			{ name: card.name, ethnicity: '傈僳族', idNumber: card.idNumber }
		);
		expect(r.verdict).toBe('confirm');
		const field = r.fields.find((f) => f.field === 'ethnicity');
		expect(field).toMatchObject({
			status: 'confirm',
			card: '衡',
			reason: { code: 'ocr.uncertain.ethnicity' }
		});
		expect(field?.reason?.zh).toContain('民族“衡”不是56个民族之一');
		expect(field?.reason?.en).toContain('"衡" is not one of China\'s 56');
	});

	it('rejects a different name and says which field, in both languages', () => {
		const r = compareWithRecord(card, { name: '王芳', idNumber: card.idNumber });
		expect(r.verdict).toBe('mismatch');
		expect(r.reasons[0].code).toBe('compare.name.mismatch');
		expect(r.reasons[0].zh).toContain('姓名不一致');
		expect(r.reasons[0].en).toContain('Name differs');
	});

	it('tolerates a 睢/雎 confusion in the address but not a different address', () => {
		const read = { ...card, address: '河南省商丘市睢阳区文化路12号' };
		const ok = compareWithRecord(read, {
			name: '张伟',
			address: '河南省商丘市雎阳区文化路12号',
			idNumber: card.idNumber
		});
		expect(ok.verdict).toBe('match');
		const bad = compareWithRecord(read, {
			name: '张伟',
			address: '北京市海淀区中关村大街1号',
			idNumber: card.idNumber
		});
		expect(bad.verdict).toBe('mismatch');
		expect(bad.fields.find((f) => f.field === 'address')?.status).toBe('mismatch');
	});

	it('flags each mismatching field separately', () => {
		const r = compareWithRecord(card, {
			name: '张伟',
			sex: '女',
			birthDate: '1988-08-16',
			idNumber: '420106198808163210'
		});
		expect(r.fields.filter((f) => f.status === 'mismatch').map((f) => f.field)).toEqual([
			'sex',
			'birthDate',
			'idNumber'
		]);
	});

	it('reports fields it could not read as incomplete', () => {
		const r = compareWithRecord(
			{ ...card, address: null },
			{ name: '张伟', address: 'x', idNumber: card.idNumber }
		);
		expect(r.verdict).toBe('incomplete');
	});
});

describe('names and ethnicities', () => {
	it('normalises middle dots and widths', () => {
		expect(normalizeName('买买提・艾力')).toBe(normalizeName('买买提·艾力'));
		expect(normalizeName('ＡＢ　c')).toBe('ABC');
		expect(similarity('abc', 'abd')).toBeCloseTo(2 / 3);
	});
	it('knows exactly 56 ethnicities', () => {
		expect(new Set(ETHNICITIES).size).toBe(56);
		expect(isEthnicity('汉族')).toBe(true);
		expect(isEthnicity('瓦尔肯')).toBe(false);
	});
});
