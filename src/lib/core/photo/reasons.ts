// Every rule a registration photo can break, with the message the candidate sees in Chinese and English.
// A verdict lists the broken rules and always carries the measures they were judged on.
import type { Message } from '../text.ts';

export type PhotoReasonCode =
	| 'FILE_UNREADABLE'
	| 'FILE_NOT_JPEG'
	| 'FILE_HEIC_UNSUPPORTED'
	| 'FILE_WRONG_DIMENSIONS'
	| 'FILE_WRONG_DPI'
	| 'FILE_TOO_SMALL'
	| 'FILE_TOO_LARGE'
	| 'FILE_ROTATED'
	| 'FACE_NONE'
	| 'FACE_MULTIPLE'
	| 'FACE_CUT_OFF'
	| 'POSE_NOT_FRONTAL'
	| 'EYES_CLOSED'
	| 'MOUTH_OPEN'
	| 'HEAD_TOO_SMALL'
	| 'HEAD_TOO_LARGE'
	| 'HEAD_TOO_HIGH'
	| 'HEAD_TOO_LOW'
	| 'HEAD_NOT_CENTRED'
	| 'IMAGE_BLURRY'
	| 'IMAGE_TOO_DARK'
	| 'IMAGE_TOO_BRIGHT'
	| 'IMAGE_LOW_CONTRAST'
	| 'LIGHT_UNEVEN'
	| 'BACKGROUND_NOT_UNIFORM'
	| 'BACKGROUND_WRONG_COLOUR'
	| 'FACE_MISMATCH'
	| 'MEASURE_MISSING';

export type PhotoReason = Message<PhotoReasonCode>;

export type MeasureValue = number | string | boolean | null;
export type Measures = Record<string, MeasureValue>;

export interface PhotoVerdict {
	ok: boolean;
	reasons: PhotoReason[];
	measures: Measures;
}

/** Builds a reason; messages may name the measure so the candidate knows how far off the photo is. */
export function reason(code: PhotoReasonCode, zh: string, en: string): PhotoReason {
	return { code, zh, en };
}

/** One check's outcome: the reasons it raised (none = pass) and the measures it looked at. */
export interface CheckOutcome {
	reasons: PhotoReason[];
	measures: Measures;
}

export function combine(outcomes: readonly CheckOutcome[]): PhotoVerdict {
	const reasons = outcomes.flatMap((o) => o.reasons);
	const measures: Measures = {};
	for (const o of outcomes) Object.assign(measures, o.measures);
	return { ok: reasons.length === 0, reasons, measures };
}

/** Rounds for reports: measures are read by people, three decimals are plenty. */
export function round(value: number, digits = 3): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}
