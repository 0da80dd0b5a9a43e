// Random but plausible card holders for the synthetic card generator: names, ethnicities, addresses in places
// the region table knows, and valid numbers whose region, birth date and sex agree with the printed fields.
import { ETHNICITIES } from '../../../src/lib/core/idcard/ethnicities.ts';
import { checkCharacter } from '../../../src/lib/core/idcard/number.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';
import { isoDate } from '../../../src/lib/core/idcard/dates.ts';

export type Rng = () => number;

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): Rng {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const SURNAMES = Array.from(
	'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'
);
const GIVEN = Array.from(
	'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅鹏辉建国志文俊峰宇浩然思雨欣怡晨阳子涵梓轩一诺佳琪雅婷嘉豪天宇博文雪松春燕海波晓东立新永胜德明秋菊凤英家乐振华'
);
const ROADS = [
	'中山',
	'解放',
	'人民',
	'建设',
	'和平',
	'文化',
	'新华',
	'胜利',
	'光明',
	'东风',
	'健康',
	'长江',
	'黄河',
	'幸福',
	'朝阳',
	'青年'
];
const ROAD_KINDS = ['路', '大街', '街', '大道'];
const VILLAGES = ['村', '社区', '小区', '花园', '新村'];

export interface Identity {
	name: string;
	sex: '男' | '女';
	ethnicity: string;
	birthDate: string;
	address: string;
	idNumber: string;
	authority: string;
	validFrom: string;
	validTo: string | '长期';
}

export function randomIdentity(r: Rng): Identity {
	const surname = pick(r, SURNAMES);
	const given = Array.from({ length: r() < 0.35 ? 1 : 2 }, () => pick(r, GIVEN)).join('');
	const sex: '男' | '女' = r() < 0.5 ? '男' : '女';
	// Most cards are 汉; keep a good share of the other 55 so their names get read too.
	const ethnicity = r() < 0.6 ? '汉' : pick(r, ETHNICITIES);
	const year = int(r, 1955, 2006);
	const month = int(r, 1, 12);
	const day = int(r, 1, 28);
	const birthDate = isoDate(year, month, day);
	const county = pick(r, nodeRegionTable().countyCodes('current'));
	const place = nodeRegionTable().lookup(county);
	const detail =
		r() < 0.5
			? `${pick(r, ROADS)}${pick(r, ROAD_KINDS)}${int(r, 1, 999)}号` +
				(r() < 0.6 ? `${int(r, 1, 30)}栋${int(r, 1, 6)}单元${int(r, 1, 32)}0${int(r, 1, 6)}室` : '')
			: `${pick(r, ROADS)}${pick(r, VILLAGES)}${int(r, 1, 20)}组${int(r, 1, 120)}号`;
	const address = place.label + detail;
	// Sequence: two free digits, then the sex digit (odd = male, even = female).
	const sexDigit = int(r, 0, 4) * 2 + (sex === '男' ? 1 : 0);
	const id17 = county + birthDate.replace(/-/g, '') + String(int(r, 0, 99)).padStart(2, '0') + sexDigit;
	// A county under a prefecture gets its prefecture's bureau's branch (淮安市公安局盱眙县分局), a district of a
	// municipality its city's (北京市公安局海淀区分局); a county-level city or county directly under the
	// province or region (新星市, 琼中黎族苗族自治县) has a bureau of its own.
	const direct = ['省直辖县级行政区划', '自治区直辖县级行政区划'].includes(place.prefecture ?? '');
	const authorityPlace =
		(place.prefecture && !['市辖区', '县'].includes(place.prefecture) ? place.prefecture : place.province) ??
		'';
	const authority = direct
		? `${place.county}公安局`
		: `${authorityPlace}公安局${place.county ?? ''}分局`.replace('公安局分局', '公安局');
	const issueYear = Math.max(year + 16, int(r, 2008, 2025));
	const from = isoDate(Math.min(issueYear, 2025), int(r, 1, 12), int(r, 1, 28));
	const age = Number(from.slice(0, 4)) - year;
	const span = age < 26 ? 10 : age < 46 ? 20 : 0;
	const validTo = span === 0 ? '长期' : `${Number(from.slice(0, 4)) + span}${from.slice(4)}`;
	return {
		name: surname + given,
		sex,
		ethnicity,
		birthDate,
		address,
		idNumber: id17 + checkCharacter(id17),
		authority,
		validFrom: from,
		validTo
	};
}
