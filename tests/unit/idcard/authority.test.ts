import { describe, expect, it } from 'vitest';
import { authorityNames, correctAuthority } from '../../../src/lib/core/idcard/authority.ts';
import { parseEmblem, type OcrLine } from '../../../src/lib/core/idcard/parse.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';

const names = authorityNames(nodeRegionTable());
const fix = (read: string) => correctAuthority(read, names);

describe('issuing authority from the region table', () => {
	it('puts right a misread glyph in a county name (盱胎 for 盱眙)', () => {
		expect(fix('淮安市公安局盱胎县分局')).toBe('淮安市公安局盱眙县分局');
	});

	it('drops a stray character left from the label or a colon', () => {
		expect(fix('关淮安市公安局盱眙县分局')).toBe('淮安市公安局盱眙县分局');
		expect(fix('：淮安市公安局盱眙县分局')).toBe('淮安市公安局盱眙县分局');
		expect(fix('淮安市公安局盱眙县分局.')).toBe('淮安市公安局盱眙县分局');
	});

	it('puts back rare characters the recogniser dropped (怒江傈僳族自治州)', () => {
		expect(fix('怒江族自治州公安局兰坪白族普米族自治县分局')).toBe(
			'怒江傈僳族自治州公安局兰坪白族普米族自治县分局'
		);
	});

	it('knows the shapes real cards print and leaves them as read', () => {
		for (const authority of [
			'北京市公安局海淀分局',
			'北京市公安局海淀区分局',
			'新星市公安局',
			'盱眙县公安局',
			'红河哈尼族彝族自治州公安局金平苗族瑶族傣族自治县分局'
		])
			expect(fix(authority)).toBe(authority);
		expect(fix('北京市公安局海甸分局')).toBe('北京市公安局海淀分局');
	});

	it('leaves what is too far from every authority, or as close to two, as read', () => {
		expect(fix('星际联邦星舰学院')).toBe('星际联邦星舰学院');
		// A second line that was never read is not made up from the table when too much of it is missing.
		expect(fix('红河哈尼族彝族自治州公安局金平苗族瑶族傣旅')).toBe(
			'红河哈尼族彝族自治州公安局金平苗族瑶族傣旅'
		);
		expect(fix('')).toBe('');
	});
});

describe('a two-line authority on the emblem side', () => {
	const line = (text: string, x: number, y: number): OcrLine => ({
		box: { x, y, width: 28 * Array.from(text).length, height: 30 },
		text,
		confidence: 0.95
	});

	it('joins the line under 签发机关 to the authority and stops at 有效期限', () => {
		const parsed = parseEmblem([
			line('签发机关', 150, 398),
			line('红河哈尼族彝族自治州公安局金平苗族', 290, 396),
			line('瑶族傣族自治县分局', 290, 430),
			line('有效期限', 150, 470),
			line('2015.03.02-2035.03.02', 290, 468)
		]);
		expect(parsed.fields).toEqual({
			authority: '红河哈尼族彝族自治州公安局金平苗族瑶族傣族自治县分局',
			validFrom: '2015-03-02',
			validTo: '2035-03-02'
		});
	});

	it('keeps a one-line authority to itself', () => {
		const parsed = parseEmblem([
			line('签发机关淮安市公安局盱眙县分局', 150, 398),
			line('有效期限2015.03.02-2035.03.02', 150, 458),
			line('某行', 290, 500)
		]);
		expect(parsed.fields.authority).toBe('淮安市公安局盱眙县分局');
	});
});
