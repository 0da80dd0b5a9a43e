// Consistency checks of what was read from a card: the number on its own, the number against the printed
// 出生/性别, the ethnicity, the validity period. Each failing check adds a reason; measures stay in the result.
import { isEthnicity } from './ethnicities.ts';
import type { CardFields } from './fields.ts';
import { checkIdNumber, type IdNumberCheck } from './number.ts';
import { reason, type Reason } from './reasons.ts';
import { normalizeIdText, repairIdNumber, type RepairResult } from './repair.ts';
import { checkExpiry } from './validity.ts';

export interface CardChecks {
	/** null when the field was not read (or belongs to the other side). */
	idNumber: (Omit<IdNumberCheck, 'reasons'> & { repair: RepairResult | null }) | null;
	birthMatchesNumber: boolean | null;
	sexMatchesNumber: boolean | null;
	ethnicityKnown: boolean | null;
	expired: boolean | null;
	/** True when nothing failed among the checks that could run. */
	ok: boolean;
	/** The corrected number awaits the candidate's confirmation. */
	needsConfirmation: boolean;
	reasons: Reason[];
}

/** Validates whichever fields are present (a portrait side, an emblem side, or both merged). */
export function validateCard(fields: CardFields, today: string): CardChecks {
	const reasons: Reason[] = [];
	let idCheck: CardChecks['idNumber'] = null;
	let number: IdNumberCheck | null = null;
	let needsConfirmation = false;
	if (fields.idNumber) {
		number = checkIdNumber(normalizeIdText(fields.idNumber), today);
		let repair: RepairResult | null = null;
		if (number.wellFormed && !number.checksumValid) {
			repair = repairIdNumber(number.idNumber, { birthDate: fields.birthDate, sex: fields.sex });
			if (repair.idNumber) {
				needsConfirmation = true;
				reasons.push(
					reason(
						'id.repaired',
						`号码可能被误读，建议更正为 ${repair.idNumber}，请核对`,
						`The number may have been misread; suggested correction ${repair.idNumber}, please confirm`
					)
				);
			}
		}
		const { reasons: numberReasons, ...rest } = number;
		if (!repair?.idNumber) reasons.push(...numberReasons);
		idCheck = { ...rest, repair };
	}
	// Compare printed fields with the (possibly repaired) number.
	const effective = idCheck?.repair?.idNumber ? checkIdNumber(idCheck.repair.idNumber, today) : number;
	let birthMatchesNumber: boolean | null = null;
	if (fields.birthDate && effective?.birthDate) {
		birthMatchesNumber = fields.birthDate === effective.birthDate;
		if (!birthMatchesNumber) {
			reasons.push(
				reason(
					'id.birth_disagrees',
					`出生日期 ${fields.birthDate} 与号码中的 ${effective.birthDate} 不一致`,
					`The printed birth date ${fields.birthDate} disagrees with the number's ${effective.birthDate}`
				)
			);
		}
	}
	let sexMatchesNumber: boolean | null = null;
	if (fields.sex && effective?.sex) {
		sexMatchesNumber = fields.sex === effective.sex;
		if (!sexMatchesNumber) {
			reasons.push(
				reason(
					'id.sex_disagrees',
					`性别“${fields.sex}”与号码第17位所示“${effective.sex}”不一致`,
					`The printed sex "${fields.sex}" disagrees with the number's 17th digit ("${effective.sex}")`
				)
			);
		}
	}
	let ethnicityKnown: boolean | null = null;
	if (fields.ethnicity) {
		ethnicityKnown = isEthnicity(fields.ethnicity);
		if (!ethnicityKnown) {
			reasons.push(
				reason(
					'ethnicity.unknown',
					`民族“${fields.ethnicity}”不在56个民族之列`,
					`"${fields.ethnicity}" is not one of China's 56 recognised ethnic groups`
				)
			);
		}
	}
	let expired: boolean | null = null;
	if (fields.validTo !== undefined || fields.validFrom !== undefined) {
		const expiry = checkExpiry(
			{ validFrom: fields.validFrom ?? null, validTo: fields.validTo ?? null },
			today
		);
		expired = expiry.expired;
		reasons.push(...expiry.reasons);
	}
	const idOk = !idCheck || idCheck.valid || Boolean(idCheck.repair?.idNumber);
	const ok =
		idOk &&
		birthMatchesNumber !== false &&
		sexMatchesNumber !== false &&
		ethnicityKnown !== false &&
		expired !== true;
	return {
		idNumber: idCheck,
		birthMatchesNumber,
		sexMatchesNumber,
		ethnicityKnown,
		expired,
		ok,
		needsConfirmation,
		reasons
	};
}
