import { describe, expect, it } from 'vitest';
import { addressHeads, correctAddressHead } from '../../../src/lib/core/idcard/address-head.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';

const heads = addressHeads(nodeRegionTable());
const fix = (address: string) => correctAddressHead(address, heads);

describe('address head from the region table', () => {
	it('puts right a misread glyph in a place name (白治区 for 自治区)', () => {
		expect(fix('广西壮族白治区百色市西林县文化花园12组68号')).toBe(
			'广西壮族自治区百色市西林县文化花园12组68号'
		);
	});

	it('puts back rare characters the recogniser dropped (怒江傈僳族自治州)', () => {
		expect(fix('云南省怒江族自治州泸水市文化大道865号')).toBe('云南省怒江傈僳族自治州泸水市文化大道865号');
	});

	it('takes the county a misread glyph points to over prefectures that are as close only because they are shorter', () => {
		// 毫 for 亳: 安徽省亳州市蒙城县 is one edit away, and so are 安徽省滁州市, 宿州市 and 池州市 (X州市), but those
		// explain 6 characters of the card where the county explains 9.
		expect(fix('安徽省毫州市蒙城县中山花园7组53号')).toBe('安徽省亳州市蒙城县中山花园7组53号');
		// Prefectures a glyph apart (滁州, 宿州, 亳州, 池州) stay as read when nothing after them chooses one.
		expect(fix('安徽省毫州市')).toBe('安徽省毫州市');
	});

	it('leaves a correct head and everything after it as read', () => {
		for (const address of [
			'北京市朝阳区建国路88号',
			'湖北省武汉市武昌区中山路1号',
			'福建省福州市鼓楼区东街口'
		])
			expect(fix(address)).toBe(address);
		// A head read exactly stays as read.
		expect(fix('安徽省宿州市埇桥区中山花园7组53号')).toBe('安徽省宿州市埇桥区中山花园7组53号');
		// Only the head is a closed list: a misread house number stays misread.
		expect(fix('北京市朝阳区建国路8B号')).toBe('北京市朝阳区建国路8B号');
	});

	it('puts back the first character when the province it leaves could be two (龙江省 is 黑龙江省 or a misread 浙江省)', () => {
		// The province alone cannot choose (浙江省 is one glyph from 龙江省, 河北省 and 湖北省 from 北省): the
		// prefecture and county after it do.
		expect(fix('龙江省绥化市肇东市东风小区20组30号')).toBe('黑龙江省绥化市肇东市东风小区20组30号');
		expect(fix('北省武汉市武昌区中山路1号')).toBe('湖北省武汉市武昌区中山路1号');
		expect(fix('X南省长沙市岳麓区麓山路1号')).toBe('湖南省长沙市岳麓区麓山路1号');
		// With nothing after the province to choose by, it stays as read.
		expect(fix('北省')).toBe('北省');
	});

	it('does not turn one place into another: a different province or county stays as read', () => {
		// 广东 is a real province, not a misread of 广西壮族自治区: nothing of it changes.
		expect(fix('广东省广州市天河区体育西路1号')).toBe('广东省广州市天河区体育西路1号');
		expect(fix('湖南省长沙市岳麓区麓山路1号')).toBe('湖南省长沙市岳麓区麓山路1号');
	});

	it('leaves text that is no place at all', () => {
		expect(fix('住址不详')).toBe('住址不详');
		expect(fix('')).toBe('');
	});
});
