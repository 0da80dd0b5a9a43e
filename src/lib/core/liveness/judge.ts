// The one liveness judge. The phone's camera loop, `zv liveness replay`, the benchmarks and the tests each observe
// a capture their own way (live camera and worker, decoded clip, stored measurements) and hand what they saw here,
// so a capture gets the same verdict and the same reasons wherever it is judged.
import { cosineSimilarity } from '../face/match.ts';
import type { FaceMeasurement } from '../face/types.ts';
import { finishActions, type ActionsState } from './actions.ts';
import { judgeColourResponse, type ColourObserved } from './colour.ts';
import { checkContinuity, type Similarity } from './continuity.ts';
import { checkDigitReading, type DigitAudio, type DigitsConfig } from './digits.ts';
import { foldAntiSpoof } from './spoof.ts';
import { median, round } from './stats.ts';
import type { DigitsChallenge, LivenessVerdict, ReasonCode } from './types.ts';
import { actionsVerdict, combineReasons } from './verdict.ts';

/** Median frame-to-frame change (0..255, core/liveness/motion.ts) below which the picture is a still image. */
export const STILL_MOTION = 0.4;
/** Motion is judged only over at least this many frame-to-frame changes. */
const MIN_MOTIONS = 3;

/** Whether the frames' changes show a still picture; null when too few were measured to tell. */
export function stillPicture(motions: readonly number[]): boolean | null {
	return motions.length < MIN_MOTIONS ? null : median(motions) < STILL_MOTION;
}
/** Fewer frames than this with exactly one face, or under half of them: nobody was there to judge. */
const MIN_FACE_FRAMES = 3;
const MIN_FACE_SHARE = 0.5;
/** From this many frames with two or more faces, someone else was in view. */
const MULTIPLE_FACE_FRAMES = 3;

/** What was sampled on a frame for the identity and anti-spoof checks. */
export interface Sample {
	t: number;
	embedding: Float32Array;
	live: number;
}

/** How many frames were measured, and how many showed exactly one face or several. */
export interface Presence {
	frames: number;
	faceFrames: number;
	multiFrames: number;
}

export function presenceOf(measurements: readonly FaceMeasurement[]): Presence {
	let faceFrames = 0;
	let multiFrames = 0;
	for (const m of measurements) {
		if (m.faceCount === 1) faceFrames++;
		if (m.faceCount > 1) multiFrames++;
	}
	return { frames: measurements.length, faceFrames, multiFrames };
}

interface Observed {
	samples: readonly Sample[];
	presence: Presence;
	/** Frame-to-frame changes (createFrameMotion); empty when the frames were not kept (stored measurements). */
	motions: readonly number[];
	/** The colour challenge, when the policy ran it (core/liveness/colour.ts). */
	colour?: ColourObserved;
}

export interface ObservedActions extends Observed {
	kind: 'actions';
	/** The action state machine stepped over every frame (finished here if it is still running). */
	actions: ActionsState;
}

export interface ObservedReading extends Observed {
	kind: 'digits';
	/** The challenge, for the clip's length limits; a replay of a recorded clip has none. */
	challenge?: DigitsChallenge;
	frames: readonly FaceMeasurement[];
	/** The clip's audio; null when the phone gave no microphone audio. */
	audio: DigitAudio | null;
	audioStartMs?: number;
}

export interface JudgeOptions {
	faceMatchThreshold: number;
	antiSpoofThreshold: number;
	similarity?: Similarity<Sample>;
	digits?: Partial<DigitsConfig>;
}

const bySimilarity: Similarity<Sample> = (a, b) => cosineSimilarity(a.embedding, b.embedding);

export function judgeLiveness(
	observed: ObservedActions | ObservedReading,
	options: JudgeOptions
): LivenessVerdict {
	const { samples, presence, motions } = observed;
	const continuity = checkContinuity(samples, options.similarity ?? bySimilarity, options.faceMatchThreshold);
	const spoof = foldAntiSpoof(
		samples.map((s) => s.live),
		options.antiSpoofThreshold
	);
	const base =
		observed.kind === 'actions'
			? actionsVerdict(finishActions(observed.actions), { continuity, spoof })
			: checkDigitReading(
					{
						audio: observed.audio,
						frames: observed.frames,
						audioStartMs: observed.audioStartMs,
						challenge: observed.challenge,
						continuity,
						spoof
					},
					options.digits
				);
	const motion = motions.length ? median(motions) : null;
	const codes: ReasonCode[] = base.reasons.map((r) => r.code);
	if (presence.faceFrames < Math.max(MIN_FACE_FRAMES, presence.frames * MIN_FACE_SHARE))
		codes.push('no_face');
	if (presence.multiFrames >= MULTIPLE_FACE_FRAMES) codes.push('multiple_faces');
	if (stillPicture(motions)) codes.push('still_image');
	const colour = observed.colour
		? judgeColourResponse(observed.colour.samples, observed.colour.sequence, observed.colour.startedAt)
		: null;
	if (colour && !colour.passed) codes.push('colour_mismatch');
	const decided = combineReasons(codes);
	// The colour response's figures go with the verdict into the signed bundle, for reviewers.
	const colourMeasures: Record<string, number | null> = colour
		? { colourCorrelation: colour.correlation, colourFlashes: colour.flashesJudged }
		: {};
	return {
		...base,
		passed: decided.passed,
		reason: decided.reason,
		reasons: decided.reasons,
		measures: { ...base.measures, motion: motion === null ? null : round(motion, 3), ...colourMeasures }
	};
}
