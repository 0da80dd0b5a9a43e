// Field-by-field comparison of a read card with the registration record. Each field gets a status and, when
// it is not a clean match, a reason in zh-CN and English, so the UI can say exactly which field differs.
import { maskedAddressPrefix } from '../mask.ts';
import { tolerance } from './address-head.ts';
import { parseLooseDate } from './dates.ts';
import { isEthnicity, normalizeEthnicity } from './ethnicities.ts';
import { CARD_FIELD_LABELS, type CardFields, type RegistrationRecord } from './fields.ts';
import { reason, type Reason } from './reasons.ts';
import { normalizeIdText } from './repair.ts';
import { uncertainReason } from './uncertain.ts';
import { editDistance, normalizeAddress, normalizeName, prefixDistance, similarity } from './text.ts';

export type FieldStatus = 'match' | 'confirm' | 'mismatch' | 'missing';

export interface FieldComparison {
	field: keyof RegistrationRecord;
	status: FieldStatus;
	card: string | null;
	record: string | null;
	/** 0..1 similarity after normalisation (1 = identical). */
	similarity: number;
	reason: Reason | null;
}

export interface RecordComparison {
	/**
	 * 'match': everything agrees; 'confirm': the candidate must confirm small differences; 'incomplete': a field
	 * could not be read (retake the photo); 'mismatch': a field differs (reject, naming the field).
	 */
	verdict: 'match' | 'confirm' | 'incomplete' | 'mismatch';
	fields: FieldComparison[];
	reasons: Reason[];
}

/** Address similarity at or above which OCR slips (睢/雎, 一/-) are tolerated silently. */
export const ADDRESS_MATCH = 0.9;
/** Between this and ADDRESS_MATCH the candidate is asked to confirm; below it the addresses differ. */
export const ADDRESS_CONFIRM = 0.75;

/** The record's fields, in the order the card prints them. */
const RECORD_FIELDS: readonly (keyof RegistrationRecord)[] = [
	'name',
	'sex',
	'ethnicity',
	'birthDate',
	'address',
	'idNumber'
];

function mismatch(field: keyof RegistrationRecord, card: string, record: string): Reason {
	const { zh, en } = CARD_FIELD_LABELS[field];
	return reason(
		`compare.${field}.mismatch`,
		`${zh}不一致：证件为“${card}”，报名信息为“${record}”`,
		`${en} differs: the card reads "${card}", the registration says "${record}"`
	);
}

function missing(field: keyof RegistrationRecord): Reason {
	const { zh, en } = CARD_FIELD_LABELS[field];
	return reason(
		`compare.${field}.unread`,
		`未能从证件读出${zh}`,
		`The ${en.toLowerCase()} could not be read from the card`
	);
}

/**
 * One glyph off in a value of two or more is what the reader does with a character it cannot spell (翀 and 赟 in
 * names; 仫 of 仫佬, read as 仡佬) or with a print it half lost: the candidate is asked instead of refused.
 */
function oneGlyphOff(card: string, record: string): boolean {
	return editDistance(card, record) === 1 && Array.from(record).length >= 2;
}

function compareName(card: string, record: string): FieldComparison {
	const a = normalizeName(card);
	const b = normalizeName(record);
	const sim = similarity(a, b);
	if (a === b) return { field: 'name', status: 'match', card, record, similarity: 1, reason: null };
	if (oneGlyphOff(a, b)) {
		return {
			field: 'name',
			status: 'confirm',
			card,
			record,
			similarity: sim,
			reason: reason(
				'compare.name.one_char',
				`姓名有一个字未能确认（证件读作“${card}”，报名信息为“${record}”），请确认`,
				`One character of the name could not be confirmed (card read "${card}", registration "${record}"); please confirm`
			)
		};
	}
	return {
		field: 'name',
		status: 'mismatch',
		card,
		record,
		similarity: sim,
		reason: mismatch('name', card, record)
	};
}

/**
 * A reading that is none of the 56 says nothing about the card (傈僳 read as the one glyph 衡): it is asked about,
 * with the reader's own reason for it, never called a different ethnicity.
 */
function compareEthnicity(card: string, record: string): FieldComparison {
	const exact = compareExact('ethnicity', card, record, normalizeEthnicity);
	if (exact.status === 'match') return exact;
	if (!isEthnicity(card))
		return {
			...exact,
			status: 'confirm',
			reason: uncertainReason({ field: 'ethnicity', cause: 'unknown_ethnicity' }, card)
		};
	if (!oneGlyphOff(normalizeEthnicity(card), normalizeEthnicity(record))) return exact;
	return {
		...exact,
		status: 'confirm',
		reason: reason(
			'compare.ethnicity.one_char',
			`民族有一个字未能确认（证件读作“${card}”，报名信息为“${record}”），请确认`,
			`One character of the ethnicity could not be confirmed (card read "${card}", registration "${record}"); please confirm`
		)
	};
}

/**
 * The server sends the address masked after its first characters: the card's address is compared with that
 * prefix, against the card's own prefix that fits it best (one glyph the reader dropped or added must not shift
 * every character after it).
 */
function addressSimilarity(read: string, record: string): number {
	const prefix = maskedAddressPrefix(record);
	if (prefix === null) return similarity(read, normalizeAddress(record));
	const wanted = normalizeAddress(prefix);
	const n = Array.from(wanted).length;
	const { distance } = prefixDistance(wanted, read, tolerance(n));
	return n === 0 ? 1 : Math.max(0, 1 - distance / n);
}

function compareAddress(card: string, record: string): FieldComparison {
	const sim = addressSimilarity(normalizeAddress(card), record);
	if (sim >= ADDRESS_MATCH)
		return { field: 'address', status: 'match', card, record, similarity: sim, reason: null };
	if (sim >= ADDRESS_CONFIRM) {
		return {
			field: 'address',
			status: 'confirm',
			card,
			record,
			similarity: sim,
			reason: reason(
				'compare.address.similar',
				`住址与报名信息相近但不完全相同（相似度 ${Math.round(sim * 100)}%），请确认`,
				`The address is close to the registered one but not identical (${Math.round(sim * 100)}% similar); please confirm`
			)
		};
	}
	return {
		field: 'address',
		status: 'mismatch',
		card,
		record,
		similarity: sim,
		reason: mismatch('address', card, record)
	};
}

function compareExact(
	field: keyof RegistrationRecord,
	card: string,
	record: string,
	normalize: (s: string) => string
): FieldComparison {
	const equal = normalize(card) === normalize(record);
	return {
		field,
		status: equal ? 'match' : 'mismatch',
		card,
		record,
		similarity: equal ? 1 : similarity(normalize(card), normalize(record)),
		reason: equal ? null : mismatch(field, card, record)
	};
}

const sameText = (s: string) => normalizeName(s);
const sameDate = (s: string) => parseLooseDate(s) ?? s.trim();
const sameSex = (s: string) =>
	({ 男: '男', 女: '女', M: '男', F: '女', MALE: '男', FEMALE: '女' })[sameText(s)] ?? s;

/** Compares every field the record has; fields the card did not yield are 'missing' (a retake is needed). */
export function compareWithRecord(card: CardFields, record: RegistrationRecord): RecordComparison {
	const fields: FieldComparison[] = [];
	const cardValue: Record<keyof RegistrationRecord, string | null | undefined> = {
		name: card.name,
		sex: card.sex,
		ethnicity: card.ethnicity,
		birthDate: card.birthDate,
		address: card.address,
		idNumber: card.idNumber
	};
	for (const field of RECORD_FIELDS) {
		const recordValue = record[field];
		if (recordValue === undefined || recordValue === '') continue;
		const read = cardValue[field];
		if (!read) {
			fields.push({
				field,
				status: 'missing',
				card: null,
				record: recordValue,
				similarity: 0,
				reason: missing(field)
			});
			continue;
		}
		if (field === 'name') fields.push(compareName(read, recordValue));
		else if (field === 'address') fields.push(compareAddress(read, recordValue));
		else if (field === 'ethnicity') fields.push(compareEthnicity(read, recordValue));
		else if (field === 'birthDate') fields.push(compareExact(field, read, recordValue, sameDate));
		else if (field === 'sex') fields.push(compareExact(field, read, recordValue, sameSex));
		else fields.push(compareExact(field, read, recordValue, normalizeIdText));
	}
	const reasons = fields.flatMap((f) => (f.reason ? [f.reason] : []));
	const has = (status: FieldStatus) => fields.some((f) => f.status === status);
	const verdict = has('mismatch')
		? 'mismatch'
		: has('missing')
			? 'incomplete'
			: has('confirm')
				? 'confirm'
				: 'match';
	return { verdict, fields, reasons };
}
