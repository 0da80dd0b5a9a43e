// Shapes shared by the liveness checks: challenges, reasons, per-step results and the verdict.
import type { LivenessAction } from '../policy/types.ts';
import type { Text } from '../text.ts';

export type { LivenessAction };

export type { Text } from '../text.ts';

export type ReasonCode =
	| 'passed'
	| 'no_face'
	| 'multiple_faces'
	| 'still_image'
	| 'out_of_order'
	| 'timeout'
	| 'face_changed'
	| 'spoof_suspected'
	| 'no_voice'
	| 'mouth_still'
	| 'mouth_voice_mismatch'
	| 'clip_too_short'
	| 'clip_too_long'
	| 'colour_mismatch';

export interface Reason extends Text {
	code: ReasonCode;
}

export interface ActionsChallenge {
	kind: 'actions';
	actions: LivenessAction[];
	stepTimeoutMs: number;
}

export interface DigitsChallenge {
	kind: 'digits';
	/** The digits to read aloud, e.g. "4071". Which digits were said is not checked (no speech recognition). */
	digits: string;
	clipMinMs: number;
	clipMaxMs: number;
}

export type Challenge = ActionsChallenge | DigitsChallenge;

export interface StepResult {
	action: LivenessAction;
	passed: boolean;
	/** ms (frame clock) when the step was shown, when it was done; null if it never completed. */
	startedAt: number | null;
	completedAt: number | null;
	durationMs: number | null;
	/** The measure that decided it: degrees of turn, relative eye closure, mouth opening. */
	measure: Record<string, number>;
}

/** Identity continuity: the same face throughout, by embedding similarity across sampled frames. */
export interface ContinuityResult {
	passed: boolean;
	samples: number;
	/** Lowest similarity of any sample to the first one. */
	minSimilarity: number | null;
	threshold: number;
}

/** Passive anti-spoof scores of sampled frames folded into one decision. */
export interface SpoofResult {
	passed: boolean;
	samples: number;
	median: number | null;
	min: number | null;
	threshold: number;
}

export interface LivenessVerdict {
	kind: 'actions' | 'digits';
	passed: boolean;
	/** The deciding reason ("passed" when it passed). */
	reason: Reason;
	/** Every failed check, deciding one first. */
	reasons: Reason[];
	steps: StepResult[];
	continuity: ContinuityResult | null;
	spoof: SpoofResult | null;
	timings: { startedAt: number; endedAt: number; durationMs: number; frames: number; faceFrames: number };
	/** The measures behind the decision (baselines, motion ranges, VAD figures...). */
	measures: Record<string, number | null>;
}
