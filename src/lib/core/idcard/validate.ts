// Consistency checks of what was read from a card: the number on its own, the number against the printed
// 出生/性别, the ethnicity (measured only), the validity period. Each failing check adds a reason; measures stay in
// the result.
import { isEthnicity } from './ethnicities.ts';
import type { CardFields } from './fields.ts';
import { checkIdNumber, type IdNumberCheck } from './number.ts';
import { reason, type Reason } from './reasons.ts';
import type { RegionTable } from './regions.ts';
import { normalizeIdText, repairIdNumber, type RepairResult } from './repair.ts';
import { checkExpiry } from './validity.ts';

export interface CardChecks {
	/** null when the field was not read (or belongs to the other side). */
	idNumber: (Omit<IdNumberCheck, 'reasons' | 'notes'> & { repair: RepairResult | null }) | null;
	birthMatchesNumber: boolean | null;
	sexMatchesNumber: boolean | null;
	ethnicityKnown: boolean | null;
	expired: boolean | null;
	/** True when nothing failed among the checks that could run. */
	ok: boolean;
	/** The corrected number awaits the candidate's confirmation. */
	needsConfirmation: boolean;
	/** Failed checks, then non-blocking notes for reviewers (id.region_unverified). */
	reasons: Reason[];
}

/** The printed (or registered) birth date and sex against those the number encodes; null where not comparable. */
export function crossCheckNumber(
	number: Pick<IdNumberCheck, 'birthDate' | 'sex'>,
	stated: { birthDate?: string | null; sex?: string | null }
): { birthMatchesNumber: boolean | null; sexMatchesNumber: boolean | null; reasons: Reason[] } {
	const reasons: Reason[] = [];
	let birthMatchesNumber: boolean | null = null;
	if (stated.birthDate && number.birthDate) {
		birthMatchesNumber = stated.birthDate === number.birthDate;
		if (!birthMatchesNumber) {
			reasons.push(
				reason(
					'id.birth_disagrees',
					`出生日期 ${stated.birthDate} 与号码中的 ${number.birthDate} 不一致`,
					`The birth date ${stated.birthDate} disagrees with the number's ${number.birthDate}`
				)
			);
		}
	}
	let sexMatchesNumber: boolean | null = null;
	if (stated.sex && number.sex) {
		sexMatchesNumber = stated.sex === number.sex;
		if (!sexMatchesNumber) {
			reasons.push(
				reason(
					'id.sex_disagrees',
					`性别“${stated.sex}”与号码第17位所示“${number.sex}”不一致`,
					`The sex "${stated.sex}" disagrees with the number's 17th digit ("${number.sex}")`
				)
			);
		}
	}
	return { birthMatchesNumber, sexMatchesNumber, reasons };
}

/** Validates whichever fields are present (a portrait side, an emblem side, or both merged). */
export function validateCard(fields: CardFields, today: string, regions: RegionTable): CardChecks {
	const reasons: Reason[] = [];
	let idCheck: CardChecks['idNumber'] = null;
	let number: IdNumberCheck | null = null;
	let needsConfirmation = false;
	if (fields.idNumber) {
		number = checkIdNumber(normalizeIdText(fields.idNumber), today, regions);
		let repair: RepairResult | null = null;
		if (number.wellFormed && !number.checksumValid) {
			repair = repairIdNumber(
				number.idNumber,
				{ birthDate: fields.birthDate, sex: fields.sex },
				{ regions, today }
			);
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
		const { reasons: numberReasons, notes: _notes, ...rest } = number;
		void _notes;
		if (!repair?.idNumber) reasons.push(...numberReasons);
		idCheck = { ...rest, repair };
	}
	// Compare printed fields with the (possibly repaired) number.
	const effective = idCheck?.repair?.idNumber
		? checkIdNumber(idCheck.repair.idNumber, today, regions)
		: number;
	const { birthMatchesNumber, sexMatchesNumber, ...cross } = effective
		? crossCheckNumber(effective, fields)
		: { birthMatchesNumber: null, sexMatchesNumber: null, reasons: [] };
	reasons.push(...cross.reasons);
	// A card prints one of the 56: a reading outside them is a misread, not a fact about the card. It is measured
	// here and marked uncertain by the reader (uncertain.ts), for the candidate to retake or confirm; failing the
	// card's checks on it would refuse an honest candidate.
	const ethnicityKnown = fields.ethnicity ? isEthnicity(fields.ethnicity) : null;
	let expired: boolean | null = null;
	if (fields.validTo !== undefined || fields.validFrom !== undefined) {
		const expiry = checkExpiry(
			{ validFrom: fields.validFrom ?? null, validTo: fields.validTo ?? null },
			today
		);
		expired = expiry.expired;
		reasons.push(...expiry.reasons);
	}
	// Notes (a region no list knows) are for reviewers: shown, never blocking.
	if (effective) reasons.push(...effective.notes);
	const idOk = !idCheck || idCheck.valid || Boolean(idCheck.repair?.idNumber);
	const ok = idOk && birthMatchesNumber !== false && sexMatchesNumber !== false && expired !== true;
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
