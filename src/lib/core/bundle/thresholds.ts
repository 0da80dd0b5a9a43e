// Scores in a bundle are re-checked against the province policy's thresholds: a step the phone calls "passed"
// must carry its scores on the passing side. A passed step with a failing score means the phone's code or data
// was altered, so the bundle is refused rather than recorded.
import type { StepResult } from './schema.ts';

export interface ScoreThresholds {
	/** Cosine similarity at or above which two faces are the same person. */
	faceMatch: number;
	/** Live probability at or above which a face counts as live. */
	antiSpoof: number;
}

/** Score names the phone uses for each threshold (steps may name either). */
export const SCORE_NAMES: Readonly<Record<keyof ScoreThresholds, readonly string[]>> = {
	faceMatch: ['faceMatch', 'similarity', 'idPortraitSimilarity', 'photoSimilarity'],
	antiSpoof: ['antiSpoof', 'live']
};

export interface ScoreViolation {
	step: StepResult['kind'];
	score: string;
	value: number;
	threshold: number;
}

/** The first score of a passed step that lies on the failing side of its threshold, or null. */
export function findScoreViolation(
	steps: readonly StepResult[],
	thresholds: ScoreThresholds
): ScoreViolation | null {
	for (const step of steps) {
		if (!step.passed) continue;
		for (const [which, names] of Object.entries(SCORE_NAMES) as [
			keyof ScoreThresholds,
			readonly string[]
		][]) {
			for (const name of names) {
				const value = step.scores?.[name];
				if (value === undefined) continue;
				if (!(value >= thresholds[which])) {
					return { step: step.kind, score: name, value, threshold: thresholds[which] };
				}
			}
		}
	}
	return null;
}
