// The ID card step on the phone: merge what the OCR worker read from each side, validate it, compare it with the
// registration record, and turn that into the signed step result (measures and reasons, never the image). The
// card portrait stays on the phone for the liveness step's face match.
import { errorText } from './errors.ts';
import type { StepResult } from '../core/bundle/schema.ts';
import { compareWithRecord, type RecordComparison } from '../core/idcard/compare.ts';
import { todayInChina } from '../core/idcard/dates.ts';
import type { CardFields, CardSide } from '../core/idcard/fields.ts';
import type { Reason } from '../core/idcard/reasons.ts';
import type { RegionTable } from '../core/idcard/regions.ts';
import { RECAPTURE_REASONS } from '../core/idcard/recapture.ts';
import { markedFields, uncertainReasons } from '../core/idcard/uncertain.ts';
import { validateCard, type CardChecks } from '../core/idcard/validate.ts';
import type { WorkerReading } from '../../../workers/ocr.worker.ts';
import type { PhoneRecord } from './phone-store.ts';
import { faceWorker } from './workers.ts';

/** A reading as kept between the sides: the portrait image is split off (it goes to IndexedDB, not results). */
export type SideReading = Omit<WorkerReading, 'portrait' | 'lines'>;

export interface IdCardSummary {
	fields: CardFields;
	checks: CardChecks;
	comparison: RecordComparison;
	/** Every reason to show, checks first, then the comparison, then the fields the reader could not vouch for. */
	reasons: Reason[];
	/** Fields read under a reflection or not matching their closed list: the candidate confirms them or retakes. */
	uncertain: (keyof CardFields)[];
	/** Something the candidate must confirm (a one-character name difference, a repaired number, …). */
	needsConfirmation: boolean;
	/** Something that cannot be confirmed away: a field differs, a check failed, a field could not be read. */
	blocking: boolean;
}

export function summarizeIdCard(
	readings: Partial<Record<CardSide, SideReading>>,
	record: PhoneRecord,
	regions: RegionTable,
	today: string = todayInChina()
): IdCardSummary {
	// The emblem side carries only authority and validity; the portrait side everything else.
	const fields: CardFields = { ...readings.emblem?.fields, ...readings.portrait?.fields };
	const checks = validateCard(fields, today, regions);
	// A number that fails its checksum is a misread: the record is compared with the repair the checks propose, which
	// the candidate then confirms (checks.needsConfirmation); a repair that is not the record's number still differs.
	const repaired = checks.idNumber?.repair?.idNumber;
	const comparison = compareWithRecord(repaired ? { ...fields, idNumber: repaired } : fields, {
		name: record.name,
		sex: record.sex,
		ethnicity: record.ethnicity,
		birthDate: record.birthDate,
		address: record.address,
		idNumber: record.idNumber
	});
	const uncertain = markedFields(Object.values(readings).flatMap((r) => r?.uncertain ?? []));
	// Worded from the same list as the marks, so a marked field always has its reason.
	const uncertainWhy = Object.values(readings).flatMap((r) =>
		r ? uncertainReasons(r.fields, r.uncertain ?? []) : []
	);
	const seen = new Set<string>();
	const reasons = [...checks.reasons, ...comparison.reasons, ...uncertainWhy].filter(
		(r) => !seen.has(r.code) && seen.add(r.code)
	);
	const needsConfirmation =
		comparison.verdict === 'confirm' || checks.needsConfirmation || uncertain.length > 0;
	// A repaired number counts as a passing check (awaiting the candidate's confirmation), so a failed check is one
	// no confirmation covers: a confirmed repair must not carry an expired card or a contradicting birth date.
	const blocking = comparison.verdict === 'mismatch' || comparison.verdict === 'incomplete' || !checks.ok;
	return { fields, checks, comparison, reasons, uncertain, needsConfirmation, blocking };
}

const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

/** The signed idcard step: passed only when nothing blocks and anything uncertain was confirmed. */
export function idCardStepResult(
	summary: IdCardSummary,
	readings: Partial<Record<CardSide, SideReading>>,
	opts: { confirmed: boolean; sources: Partial<Record<CardSide, 'camera' | 'album'>>; runtime: string }
): StepResult {
	const passed = !summary.blocking && (!summary.needsConfirmation || opts.confirmed);
	const scores: Record<string, number> = {};
	const details: Record<string, string | number | boolean | null> = {
		engine: 'ocr',
		runtime: opts.runtime,
		verdict: summary.comparison.verdict,
		confirmedByCandidate: summary.needsConfirmation ? opts.confirmed : null,
		checksumValid: summary.checks.idNumber?.checksumValid ?? null,
		idKind: summary.checks.idNumber?.kind ?? null,
		region: summary.checks.idNumber?.region?.province ?? null,
		regionStatus: summary.checks.idNumber?.region?.status ?? null,
		birthMatchesNumber: summary.checks.birthMatchesNumber,
		sexMatchesNumber: summary.checks.sexMatchesNumber,
		ethnicityKnown: summary.checks.ethnicityKnown,
		expired: summary.checks.expired,
		validTo: summary.fields.validTo ?? null
	};
	for (const [side, reading] of Object.entries(readings) as [CardSide, SideReading][]) {
		details[`${side}_source`] = opts.sources[side] ?? null;
		details[`${side}_status`] = reading.status;
		const q = reading.capture.quality;
		if (q) {
			scores[`${side}_sharpness`] = round(q.sharpness, 1);
			scores[`${side}_brightness`] = round(q.brightness, 1);
		}
		scores[`${side}_area`] = round(reading.capture.areaFraction);
		details[`${side}_recapture`] = reading.capture.recapture?.kind ?? null;
	}
	// A recapture warning does not block the candidate; it travels as a reason for the reviewer.
	const recaptures = Object.values(readings).flatMap((r) =>
		r?.capture.recapture?.kind ? [RECAPTURE_REASONS[r.capture.recapture.kind].code] : []
	);
	// Per field: the status and similarity; the card's text only where it differs (the reviewer needs it).
	for (const f of summary.comparison.fields) {
		details[`compare_${f.field}`] = f.status;
		scores[`compare_${f.field}`] = round(f.similarity);
		if (f.status !== 'match') details[`card_${f.field}`] = f.card;
	}
	for (const [field, conf] of Object.entries(readingsConfidence(readings)))
		scores[`ocr_${field}`] = round(conf);
	return {
		kind: 'idcard',
		passed,
		scores,
		reasons: [...new Set([...recaptures, ...summary.reasons.map((r) => r.code)])],
		models: [],
		details
	};
}

/** The idcard step when the card was not read on the phone (models not loaded, a read that threw): staff read it. */
export function unreadCardResult(failure: string | null): StepResult {
	return {
		kind: 'idcard',
		passed: false,
		scores: {},
		reasons: ['idcard.not_read'],
		models: [],
		details: { engine: 'none', note: 'the card was not read on the phone', error: failure }
	};
}

function readingsConfidence(readings: Partial<Record<CardSide, SideReading>>): Record<string, number> {
	const out: Record<string, number> = {};
	for (const r of Object.values(readings))
		for (const [k, v] of Object.entries(r?.confidence ?? {})) if (typeof v === 'number') out[k] = v;
	return out;
}

/**
 * Live face vs the card portrait (face worker already loaded by the liveness step) at the policy's face-match
 * threshold (resolvePolicy(...).thresholds.faceMatch); null when a face is missing.
 */
export async function portraitSimilarity(
	portrait: ImageData,
	live: ImageData,
	threshold: number,
	signal?: AbortSignal
): Promise<{ similarity: number; threshold: number; match: boolean } | null> {
	const { api, info } = faceWorker(undefined, signal);
	await info;
	const [cardFaces, liveFaces] = [await api.detect(portrait), await api.detect(live)];
	const best = <T extends { score: number }>(faces: T[]) =>
		faces.reduce<T | null>((a, b) => (!a || b.score > a.score ? b : a), null);
	const cardFace = best(cardFaces);
	const liveFace = best(liveFaces);
	if (!cardFace || !liveFace) return null;
	const a = await api.embed(portrait, cardFace);
	const b = await api.embed(live, liveFace);
	const c = await api.compare(a, b, threshold);
	return { similarity: round(c.similarity), threshold: c.threshold, match: c.match };
}

/**
 * Adds the live face's similarity to a reference face (the ID card portrait, or the accepted photo where the policy
 * compares the photo with the live face) to a liveness result, under `${key}Similarity`, `${key}Match`,
 * `${key}Threshold` and `${key}Note`. The flow's livenessVerdict fails the attempt on a mismatch; the server re-checks the
 * similarity against the policy's threshold. A failure to measure (no face on either image, models not loaded) is
 * recorded as such, not hidden, and the server holds such a bundle for manual review.
 */
export async function withFaceComparison(
	result: StepResult,
	key: 'idPortrait' | 'photo',
	reference: ImageData | undefined,
	live: ImageData | null,
	threshold: number,
	signal?: AbortSignal
): Promise<StepResult> {
	if (!reference || !live) return result;
	let match: Awaited<ReturnType<typeof portraitSimilarity>> = null;
	let error: string | null = null;
	try {
		match = await portraitSimilarity(reference, live, threshold, signal);
	} catch (e) {
		// Leaving the screen is not a failed comparison: nothing is recorded for an attempt abandoned.
		if (signal?.aborted) throw e;
		error = errorText(e);
	}
	return {
		...result,
		scores: { ...result.scores, ...(match ? { [`${key}Similarity`]: match.similarity } : {}) },
		details: {
			...result.details,
			[`${key}Match`]: match ? match.match : null,
			[`${key}Threshold`]: match ? match.threshold : null,
			[`${key}Note`]: match
				? null
				: (error ?? `no face found on the ${key === 'photo' ? 'photo' : 'card portrait'} or the live frame`)
		}
	};
}
