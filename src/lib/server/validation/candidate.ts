// The registration record as the province's registration system sends it (API JSON or one CSV row): the shape
// of each field, then the ID number through the core's one validator (kind, check character, birth date,
// region) and the record's birthDate and sex against what the number encodes. Every problem names its field,
// in Chinese and English, so an office can fix a whole record at once.
import type { Message } from '../../core/text.ts';
import * as v from 'valibot';
import { isRealDate, todayInChina } from '../../core/idcard/dates.ts';
import { checkIdNumber, normalizeIdInput } from '../../core/idcard/number.ts';
import type { Reason } from '../../core/idcard/reasons.ts';
import { crossCheckNumber } from '../../core/idcard/validate.ts';
import { policies } from '../../core/policy/index.ts';
import { nodeRegionTable } from '../../runtime/node-regions.ts';
import { REFERENCE_SOURCES } from '../services/reference-photos.ts';
import { ServiceError } from '../services/errors.ts';

/**
 * An ID number in any request (kiosk, SMS sign-in): spaces and a lower-case x accepted, then the core's
 * validator; the message names what is wrong in both languages.
 */
export const IdNumberField = v.pipe(
	v.string(),
	v.transform(normalizeIdInput),
	v.rawCheck(({ dataset, addIssue }) => {
		if (!dataset.typed) return;
		const { reasons } = checkIdNumber(dataset.value, todayInChina(), nodeRegionTable());
		if (reasons.length) addIssue({ message: reasons.map((r) => `${r.en} (${r.zh})`).join('; ') });
	})
);

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));

export const CandidateSchema = v.object({
	idNumber: v.pipe(v.string(), v.transform(normalizeIdInput), v.regex(/^\d{17}[\dX]$/)),
	name: text(64),
	sex: v.picklist(['男', '女']),
	ethnicity: text(16),
	birthDate: v.pipe(v.string(), v.trim(), v.regex(/^\d{4}-\d{2}-\d{2}$/)),
	address: text(200),
	phone: v.pipe(v.string(), v.trim(), v.regex(/^1\d{10}$/)),
	major: text(100),
	examArea: text(100),
	province: v.picklist(Object.keys(policies) as [string, ...string[]]),
	/** A returning candidate (在籍考生) keeps the admission number the registration system already gave them. */
	admissionNumber: v.optional(
		v.pipe(v.string(), v.trim(), v.regex(/^\d{8,16}$/, 'admissionNumber must be 8-16 digits'))
	),
	/**
	 * The photo the server compares the candidate's uploaded photo with: a JPEG (base64, at most ~1 MB) and where it
	 * comes from (a returning candidate's previous registration, Fujian's approved pre-registration photo, or one the
	 * office obtained from the identity authority).
	 */
	referencePhoto: v.optional(
		v.object({
			source: v.picklist(REFERENCE_SOURCES),
			jpeg: v.pipe(
				v.string(),
				v.maxLength(1_400_000, 'referencePhoto.jpeg must be at most ~1 MB'),
				v.regex(/^[A-Za-z0-9+/]+={0,2}$/, 'referencePhoto.jpeg must be base64')
			)
		})
	)
});

export type CandidateInput = v.InferOutput<typeof CandidateSchema>;
type Field = keyof CandidateInput;

/** One problem of one field, in both languages, with a stable code. */
export interface FieldProblem extends Message {
	field: string;
}

/** What each field must look like: the message when its shape is wrong or it is missing. */
const FIELD_RULES: Record<Field, [zh: string, en: string]> = {
	idNumber: [
		'证件号码应为18位：17位数字加1位数字或X',
		'idNumber must be 18 characters: 17 digits then a digit or X'
	],
	name: ['姓名必填，最多64字', 'name is required, at most 64 characters'],
	sex: ['性别应为“男”或“女”', 'sex must be 男 or 女'],
	ethnicity: ['民族必填，最多16字', 'ethnicity is required, at most 16 characters'],
	birthDate: ['出生日期应为 YYYY-MM-DD', 'birthDate must be YYYY-MM-DD'],
	address: ['住址必填，最多200字', 'address is required, at most 200 characters'],
	phone: ['手机号码应为11位数字，以1开头', 'phone must be an 11-digit mobile number'],
	major: ['专业必填，最多100字', 'major is required, at most 100 characters'],
	examArea: ['考区必填，最多100字', 'examArea is required, at most 100 characters'],
	province: [
		`省份应为 ${Object.keys(policies).join('、')} 之一`,
		`province must be one of ${Object.keys(policies).join(', ')}`
	],
	admissionNumber: ['准考证号应为8-16位数字', 'admissionNumber must be 8-16 digits'],
	referencePhoto: [
		'参考照片应为 {source, jpeg}：来源为 previous_registration、pre_registration 或 authority，JPEG 为不超过约1 MB的 base64',
		'referencePhoto must be {source, jpeg}: source previous_registration, pre_registration or authority, jpeg base64 of at most ~1 MB'
	]
};

const problem = (field: string, r: Reason): FieldProblem => ({ field, code: r.code, zh: r.zh, en: r.en });

/** The record's own consistency: the number valid, the birth date real and past, birthDate and sex as encoded. */
function recordProblems(
	record: CandidateInput,
	today: string
): { problems: FieldProblem[]; notes: Reason[] } {
	const problems: FieldProblem[] = [];
	const number = checkIdNumber(record.idNumber, today, nodeRegionTable());
	problems.push(...number.reasons.map((r) => problem('idNumber', r)));
	const [y, m, d] = record.birthDate.split('-').map(Number);
	if (!isRealDate(y, m, d)) {
		problems.push({
			field: 'birthDate',
			code: 'record.birth_invalid',
			zh: `出生日期 ${record.birthDate} 不是有效日期`,
			en: `birthDate ${record.birthDate} is not a real date`
		});
	} else if (record.birthDate > today) {
		problems.push({
			field: 'birthDate',
			code: 'record.birth_future',
			zh: `出生日期 ${record.birthDate} 晚于今天`,
			en: `birthDate ${record.birthDate} is in the future`
		});
	} else {
		problems.push(
			...crossCheckNumber(number, { birthDate: record.birthDate }).reasons.map((r) => problem('birthDate', r))
		);
	}
	problems.push(...crossCheckNumber(number, { sex: record.sex }).reasons.map((r) => problem('sex', r)));
	return { problems, notes: number.notes };
}

export type CandidateValidation =
	{ ok: true; record: CandidateInput; notes: Reason[] } | { ok: false; problems: FieldProblem[] };

/** Validates one record; `today` is 'YYYY-MM-DD' in China. */
export function validateCandidate(input: unknown, today: string = todayInChina()): CandidateValidation {
	const parsed = v.safeParse(CandidateSchema, input);
	if (!parsed.success) {
		const fields = [...new Set(parsed.issues.map((i) => String(i.path?.[0]?.key ?? '')))];
		return {
			ok: false,
			problems: fields.map((field) => {
				const rule = FIELD_RULES[field as Field];
				return rule
					? { field, code: 'record.format', zh: rule[0], en: rule[1] }
					: {
							field: field || '(record)',
							code: 'record.format',
							zh: '记录应为 JSON 对象',
							en: 'A record must be a JSON object'
						};
			})
		};
	}
	const { problems, notes } = recordProblems(parsed.output, today);
	return problems.length ? { ok: false, problems } : { ok: true, record: parsed.output, notes };
}

/** A 400 naming every problem of every record (`fields`), with a one-line summary in both languages. */
export class InvalidRecordError extends ServiceError {
	constructor(readonly fields: FieldProblem[]) {
		super(
			400,
			'invalid_record',
			`登记记录有误：${fields.map((p) => `${p.field}：${p.zh}`).join('；')}`,
			`Invalid registration record: ${fields.map((p) => `${p.field}: ${p.en}`).join('; ')}`
		);
	}

	override toJSON() {
		return { error: { ...super.toJSON().error, fields: this.fields } };
	}
}
