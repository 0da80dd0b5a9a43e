// GB 11643-1999 citizen identity number: 6-digit region, 8-digit birth date, 3-digit sequence (odd = male,
// even = female), and an ISO 7064 MOD 11-2 check character (0-9 or X).
import { isoDate, isRealDate } from './dates.ts';
import { reason, type Reason } from './reasons.ts';
import { isKnownProvince, lookupRegion, type RegionLookup } from './regions.ts';

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

export type Sex = '男' | '女';

export interface IdNumberCheck {
	idNumber: string;
	/** Well-formed: 17 digits + digit or X. */
	wellFormed: boolean;
	checksumValid: boolean;
	/** The check character the first 17 digits call for (null if they are not digits). */
	expectedCheck: string | null;
	birthDate: string | null;
	sex: Sex | null;
	region: RegionLookup | null;
	/** Everything holds: form, checksum, real past birth date, known province. */
	valid: boolean;
	reasons: Reason[];
}

/** Checks a number on its own (form, checksum, birth date, province); `today` is 'YYYY-MM-DD'. */
export function checkIdNumber(raw: string, today: string): IdNumberCheck {
	const id = raw.trim().toUpperCase();
	const reasons: Reason[] = [];
	const wellFormed = /^\d{17}[\dX]$/.test(id);
	const first17ok = /^\d{17}/.test(id);
	const expectedCheck = first17ok ? checkCharacter(id.slice(0, 17)) : null;
	if (!wellFormed) {
		reasons.push(
			reason(
				'id.malformed',
				'公民身份号码应为18位：17位数字加1位数字或X',
				'The ID number must be 18 characters: 17 digits then a digit or X'
			)
		);
	}
	const checksumValid = wellFormed && expectedCheck === id[17];
	if (wellFormed && !checksumValid) {
		reasons.push(
			reason(
				'id.checksum',
				`公民身份号码校验位不符（应为 ${expectedCheck}，实为 ${id[17]}）`,
				`The ID number's check character is wrong (expected ${expectedCheck}, found ${id[17]})`
			)
		);
	}
	let birthDate: string | null = null;
	let sex: Sex | null = null;
	let region: RegionLookup | null = null;
	if (first17ok) {
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
		region = lookupRegion(id.slice(0, 6));
		if (!isKnownProvince(id)) {
			reasons.push(
				reason(
					'id.region_unknown',
					`号码前两位 ${id.slice(0, 2)} 不是有效的省级行政区划代码`,
					`The first two digits ${id.slice(0, 2)} are not a province code (GB/T 2260)`
				)
			);
		}
	}
	const valid =
		wellFormed && checksumValid && birthDate !== null && birthDate <= today && isKnownProvince(id);
	return { idNumber: id, wellFormed, checksumValid, expectedCheck, birthDate, sex, region, valid, reasons };
}
