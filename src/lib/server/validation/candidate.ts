// The registration record as the province's registration system sends it (API JSON or one CSV row).
import * as v from 'valibot';
import { hasValidChecksum } from '../../core/idcard/number.ts';
import { policies } from '../../core/policy/index.ts';
import { REFERENCE_SOURCES } from '../services/reference-photos.ts';

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));

export const CandidateSchema = v.object({
	idNumber: v.pipe(
		v.string(),
		v.trim(),
		v.toUpperCase(),
		v.regex(/^\d{17}[\dX]$/, 'idNumber must be 18 characters'),
		v.check(hasValidChecksum, 'idNumber has a wrong check character')
	),
	name: text(64),
	sex: v.picklist(['男', '女']),
	ethnicity: text(16),
	birthDate: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'birthDate must be YYYY-MM-DD')),
	address: text(200),
	phone: v.pipe(v.string(), v.trim(), v.regex(/^1\d{10}$/, 'phone must be an 11-digit mobile number')),
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
