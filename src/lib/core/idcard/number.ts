// The one validator of 18-character identity numbers, used by the card reader, the OCR repair, the registration
// API and CSV import, the kiosk, the PC page and the CLI. Three kinds share the GB 11643-1999 layout (6-character
// head, 8-digit birth date, 3-digit sequence whose last digit is odd for men and even for women, ISO 7064
// MOD 11-2 check character 0-9 or X):
// - resident identity card (居民身份证): the head is a GB/T 2260 region code;
// - foreigner's permanent residence ID card, 2023 edition (外国人永久居留身份证): 9, the two-digit province
//   that accepted the application, then a three-digit nationality code;
// - residence permit for Hong Kong, Macao or Taiwan residents (港澳台居民居住证): 810000, 820000 or 830000.
import type { Text } from '../text.ts';
import { isoDate, isRealDate } from './dates.ts';
import { reason, type Reason } from './reasons.ts';
import type { RegionLookup, RegionTable } from './regions.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits (ISO 7064 MOD 11-2). */
export function checkCharacter(first17: string): string {
	if (!/^\d{17}$/.test(first17)) throw new Error('checkCharacter needs exactly 17 digits');
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
	return CHECK_CHARS[sum % 11];
}

export function hasValidChecksum(id: string): boolean {
	return /^\d{17}[\dX]$/.test(id) && checkCharacter(id.slice(0, 17)) === id[17];
}

/** What a person types or pastes: spaces and separators dropped, full-width digits, lower-case x accepted. */
export function normalizeIdInput(text: string): string {
	return text
		.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
		.replace(/[\s\-_.·]/g, '')
		.replace(/[xＸｘ]$/, 'X')
		.toUpperCase();
}

export type Sex = '男' | '女';
export type IdKind = 'resident' | 'permanent_residence' | 'residence_permit';

/** Province-level codes that issue no resident cards: Taiwan, Hong Kong, Macao (their residents hold permits). */
const NO_RESIDENT_CARDS = new Set(['71', '81', '82']);
/** The residence permit heads and whose residents hold them. */
const PERMIT_HEADS: Record<string, Text> = {
	'810000': { zh: '港澳台居民居住证（香港居民）', en: 'Residence permit for Hong Kong residents' },
	'820000': { zh: '港澳台居民居住证（澳门居民）', en: 'Residence permit for Macao residents' },
	'830000': { zh: '港澳台居民居住证（台湾居民）', en: 'Residence permit for Taiwan residents' }
};
const KIND_LABELS: Record<Exclude<IdKind, 'residence_permit'>, Text> = {
	resident: { zh: '居民身份证', en: 'Resident identity card' },
	permanent_residence: {
		zh: '外国人永久居留身份证',
		en: "Foreigner's permanent residence ID card"
	}
};

export interface IdNumberCheck {
	/** The number as checked: spaces dropped, upper case. */
	idNumber: string;
	/** Well-formed: 17 digits + digit or X. */
	wellFormed: boolean;
	checksumValid: boolean;
	/** The check character the first 17 digits call for (null if they are not digits). */
	expectedCheck: string | null;
	/** Which document the number belongs to, from its head (null when it fits none). */
	kind: IdKind | null;
	kindLabel: Text | null;
	birthDate: string | null;
	sex: Sex | null;
	/** Resident cards: the region code; permanent residence: the accepting province; permits: null. */
	region: RegionLookup | null;
	/** Permanent residence ID cards: the three-digit nationality code. */
	nationality: string | null;
	/** Everything holds: form, checksum, real past birth date, a head of a known kind. */
	valid: boolean;
	/** Why the number is refused. */
	reasons: Reason[];
	/** Non-blocking observations for reviewers (a region code no list knows). */
	notes: Reason[];
}

function kindOf(id: string, regions: RegionTable): IdKind | null {
	if (id.slice(0, 6) in PERMIT_HEADS) return 'residence_permit';
	if (id[0] === '9') return 'permanent_residence';
	const province = id.slice(0, 2);
	return regions.isProvince(province) && !NO_RESIDENT_CARDS.has(province) ? 'resident' : null;
}

function headReason(id: string): Reason {
	const head = id.slice(0, 2);
	if (head === '81' || head === '82' || head === '83') {
		return reason(
			'id.permit_head',
			`港澳台居民居住证号码前六位应为 ${head}0000，实为 ${id.slice(0, 6)}`,
			`A residence permit number starts with ${head}0000, not ${id.slice(0, 6)}`
		);
	}
	return reason(
		'id.region_unknown',
		`号码前两位 ${head} 不是签发居民身份证的省级行政区划代码`,
		`The first two digits ${head} are not a province code that issues resident ID cards (GB/T 2260)`
	);
}

/** Checks a number on its own (form, checksum, kind, birth date, region); `today` is 'YYYY-MM-DD'. */
export function checkIdNumber(raw: string, today: string, regions: RegionTable): IdNumberCheck {
	const id = normalizeIdInput(raw);
	const reasons: Reason[] = [];
	const notes: Reason[] = [];
	const wellFormed = /^\d{17}[\dX]$/.test(id);
	const first17ok = /^\d{17}/.test(id);
	const expectedCheck = first17ok ? checkCharacter(id.slice(0, 17)) : null;
	if (!wellFormed) {
		reasons.push(
			reason(
				'id.malformed',
				'证件号码应为18位：17位数字加1位数字或X',
				'The ID number must be 18 characters: 17 digits then a digit or X'
			)
		);
	}
	const checksumValid = wellFormed && expectedCheck === id[17];
	if (wellFormed && !checksumValid) {
		reasons.push(
			reason(
				'id.checksum',
				`证件号码校验位不符（应为 ${expectedCheck}，实为 ${id[17]}）`,
				`The ID number's check character is wrong (expected ${expectedCheck}, found ${id[17]})`
			)
		);
	}
	let kind: IdKind | null = null;
	let birthDate: string | null = null;
	let sex: Sex | null = null;
	let region: RegionLookup | null = null;
	let nationality: string | null = null;
	let headOk = false;
	if (first17ok) {
		kind = kindOf(id, regions);
		const [y, m, d] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
		if (isRealDate(y, m, d) && y >= 1880) {
			birthDate = isoDate(y, m, d);
			if (birthDate > today) {
				reasons.push(
					reason(
						'id.birth_future',
						'号码中的出生日期晚于今天',
						'The birth date in the ID number is in the future'
					)
				);
			}
		} else {
			reasons.push(
				reason(
					'id.birth_invalid',
					'号码中的出生日期不是有效日期',
					'The birth date in the ID number is not a real date'
				)
			);
		}
		sex = Number(id[16]) % 2 === 1 ? '男' : '女';
		if (kind === 'resident') {
			headOk = true;
			region = regions.lookup(id.slice(0, 6));
			if (region.status === 'unverified') notes.push(unverifiedNote(region));
		} else if (kind === 'permanent_residence') {
			const province = id.slice(1, 3);
			headOk = regions.isProvince(province) && !NO_RESIDENT_CARDS.has(province);
			region = regions.lookup(`${province}0000`);
			nationality = id.slice(3, 6);
			if (!headOk) {
				reasons.push(
					reason(
						'id.pr_province',
						`外国人永久居留身份证号码第2-3位 ${province} 不是受理地的省级行政区划代码`,
						`Digits 2-3 of a permanent residence ID number (${province}) are not the code of the province that issued it`
					)
				);
			}
		} else if (kind === 'residence_permit') {
			headOk = true;
		} else {
			reasons.push(headReason(id));
		}
	}
	const label = kind === 'residence_permit' ? PERMIT_HEADS[id.slice(0, 6)] : kind ? KIND_LABELS[kind] : null;
	const valid = wellFormed && checksumValid && headOk && birthDate !== null && birthDate <= today;
	return {
		idNumber: id,
		wellFormed,
		checksumValid,
		expectedCheck,
		kind,
		kindLabel: label,
		birthDate,
		sex,
		region,
		nationality,
		valid,
		reasons,
		notes
	};
}

function unverifiedNote(region: RegionLookup): Reason {
	return reason(
		'id.region_unverified',
		`号码前六位 ${region.code} 不在现行或历史行政区划代码表中（${region.label || '未知地区'}），请人工核对`,
		`The region code ${region.code} is in neither the current nor the former division lists (${region.label || 'unknown place'}); a reviewer should check it`
	);
}
