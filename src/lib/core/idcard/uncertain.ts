// Fields read from a capture that is good enough to keep but cannot vouch for every field: a reflection hides part
// of a field's print, or the value read is outside the closed list the card prints from (an authority no bureau
// the region table names, an ethnicity none of the 56). Such a field is never accepted silently, nor refused as if
// the card said it: it is named, and the candidate retakes the side or confirms what was read.
import { isEthnicity } from './ethnicities.ts';
import { CARD_FIELD_LABELS, type CardFields } from './fields.ts';
import { reason, type Reason } from './reasons.ts';

export type CardField = keyof CardFields;

/** Why a field is uncertain: glare over its print, or a value outside the closed list it must come from. */
export type UncertainCause = 'glare' | 'unknown_authority' | 'unknown_ethnicity';

export interface UncertainField {
	field: CardField;
	cause: UncertainCause;
}

/** The validity is one printed line (有效期限 from - to): its uncertainty is named as the line. */
const VALIDITY = { zh: '有效期限', en: 'Validity' };
const VALIDITY_FIELDS: readonly CardField[] = ['validFrom', 'validTo'];

/** Every uncertain field's reason code starts with this. */
const UNCERTAIN_PREFIX = 'ocr.uncertain.';

/** The reason shown for an uncertain field; its code names the field (`ocr.uncertain.authority`). */
export function uncertainReason({ field, cause }: UncertainField, read: string | null | undefined): Reason {
	const { zh, en } = VALIDITY_FIELDS.includes(field) ? VALIDITY : CARD_FIELD_LABELS[field];
	const value = read ? `“${read}”` : '';
	const quoted = read ? ` "${read}"` : '';
	if (cause === 'glare')
		return reason(
			`${UNCERTAIN_PREFIX}${field}`,
			`${zh}${value}处有反光，可能未读准：请避开灯光重拍，或核对后确认`,
			`Glare over the ${en} field${quoted}: it may be misread. Retake the picture away from the light, or check it and confirm`
		);
	if (cause === 'unknown_ethnicity')
		return reason(
			`${UNCERTAIN_PREFIX}${field}`,
			`${zh}${value}不是56个民族之一，可能未读准：请重拍，或核对后确认`,
			`The ethnicity${quoted} is not one of China's 56 recognised ethnic groups: it may be misread. Retake the picture, or check it and confirm`
		);
	return reason(
		`${UNCERTAIN_PREFIX}${field}`,
		`${zh}${value}不是已知的公安机关名称，可能未读准：请重拍，或核对后确认`,
		`The issuing authority${quoted} is not a known public security bureau: it may be misread. Retake the picture, or check it and confirm`
	);
}

/** The reasons of a reading's uncertain fields, worded with what was read. */
export function uncertainReasons(fields: CardFields, uncertain: readonly UncertainField[]): Reason[] {
	return uncertain.map((u) => uncertainReason(u, fields[u.field]));
}

/**
 * The fields of a reading to flag: those with a character's place hidden under a reflection (the validity's
 * line is measured, and named, as validFrom: its one always-printed stretch), an authority that is no bureau of the
 * table's places, and an ethnicity that is none of the 56.
 */
export function uncertainFields(
	fields: CardFields,
	hiddenIn: readonly CardField[],
	isKnownAuthority: (authority: string) => boolean
): UncertainField[] {
	const out: UncertainField[] = [];
	const present = (f: CardField) => f in fields;
	for (const field of hiddenIn) {
		if (!present(field)) continue;
		out.push({ field, cause: 'glare' });
	}
	const authority = fields.authority;
	if (authority && !out.some((u) => u.field === 'authority') && !isKnownAuthority(authority))
		out.push({ field: 'authority', cause: 'unknown_authority' });
	const ethnicity = fields.ethnicity;
	if (ethnicity && !out.some((u) => u.field === 'ethnicity') && !isEthnicity(ethnicity))
		out.push({ field: 'ethnicity', cause: 'unknown_ethnicity' });
	return out;
}

/**
 * The fields a screen marks for the candidate to confirm: each uncertain field, and both ends of the validity when
 * its one line is uncertain (it is measured and named as validFrom, but the end date sits on the same line).
 */
export function markedFields(uncertain: readonly UncertainField[]): CardField[] {
	const marked = uncertain.flatMap(({ field }) =>
		VALIDITY_FIELDS.includes(field) ? VALIDITY_FIELDS : [field]
	);
	return [...new Set(marked)];
}
