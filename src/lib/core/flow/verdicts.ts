// What a step's checks mean for the flow: the event a liveness attempt or a checked photo ends with, and the result
// signed for it. The screens only show the checks; the verdict is made here, so it is the same on every screen and
// testable without a camera.
import type { StepResult } from '../bundle/schema.ts';
import { FACE_MISMATCH_REASON, PHOTO_MISMATCH_REASON } from '../policy/steps.ts';
import type { FlowEvent } from './types.ts';

type Sent<E> = E extends { at: number } ? Omit<E, 'at'> : never;
type EventOf<T extends FlowEvent['type']> = Sent<Extract<FlowEvent, { type: T }>>;

export type LivenessEvent = EventOf<
	'LIVENESS_PASSED' | 'LIVENESS_FAILED' | 'FACE_MISMATCH' | 'PHOTO_MISMATCH'
>;

/**
 * A liveness result with the live face's comparisons in its details (`idPortraitMatch`, `photoMatch`; null or
 * absent when not made) -> the attempt's event and its result as signed. `failedReason`: the liveness engine's
 * reason code when it failed the attempt.
 */
export function livenessVerdict(
	result: StepResult,
	failedReason: string
): { event: LivenessEvent; result: StepResult } {
	if (!result.passed) return { event: { type: 'LIVENESS_FAILED', reason: failedReason }, result };
	// A live person who is not the one on the card (a stand-in holding the candidate's card) fails here; a
	// comparison that could not be made is left to the server, which holds the case for a person to review.
	if (result.details?.idPortraitMatch === false) {
		const failed = { ...result, passed: false, reasons: [...(result.reasons ?? []), FACE_MISMATCH_REASON] };
		return {
			event: { type: 'FACE_MISMATCH', similarity: result.scores?.idPortraitSimilarity },
			result: failed
		};
	}
	// A live person who is not the one on the photo: the photo failed (a photo-match failure, retried from it).
	if (result.details?.photoMatch === false)
		return { event: { type: 'PHOTO_MISMATCH', similarity: result.scores?.photoSimilarity }, result };
	return { event: { type: 'LIVENESS_PASSED' }, result };
}

/** A photo's checks as the photo step keeps them (the photo reasons' codes and the flat measures). */
export interface CheckedPhoto {
	passed: boolean;
	reasons: readonly { code: string }[];
	measures: Record<string, string | number | boolean | null>;
}

/**
 * A photo that keeps every rule but shows someone other than the ID card's person: a photo-match failure the
 * attempt limit may count. A photo that also breaks another rule is simply redone first.
 */
export const isPhotoMismatch = (photo: CheckedPhoto): boolean =>
	photo.reasons.length > 0 && photo.reasons.every((r) => r.code === 'FACE_MISMATCH');

/** The event a checked photo leads to; null when it passed (it waits for the candidate to accept it). */
export function photoVerdict(photo: CheckedPhoto): EventOf<'PHOTO_REJECTED'> | null {
	if (photo.passed) return null;
	if (isPhotoMismatch(photo))
		return { type: 'PHOTO_REJECTED', cause: 'mismatch', reason: PHOTO_MISMATCH_REASON };
	return { type: 'PHOTO_REJECTED', cause: 'noncompliant', reason: photo.reasons[0]?.code };
}

/** The signed result of an accepted photo: its measures, and the similarity the server re-checks at its threshold. */
export function acceptedPhotoResult(photo: CheckedPhoto): StepResult {
	const similarity = photo.measures.idPortraitSimilarity;
	return {
		kind: 'photo',
		passed: true,
		scores: typeof similarity === 'number' ? { idPortraitSimilarity: similarity } : {},
		reasons: [],
		models: [],
		details: { ...photo.measures }
	};
}

/** The signed result of a saved signature: how it was drawn (the picture itself goes with the bundle). */
export function signatureResult(drawn: { strokes: number; width: number; height: number }): StepResult {
	return { kind: 'signature', passed: true, scores: {}, reasons: [], models: [], details: { ...drawn } };
}
