// Assembles the liveness verdict from the state machine and the sampled identity/anti-spoof checks.
import { actionsOutcome, type ActionsState } from './actions.ts';
import { reason } from './reasons.ts';
import { round } from './stats.ts';
import type { ContinuityResult, LivenessVerdict, Reason, ReasonCode, SpoofResult } from './types.ts';

export interface SampledChecks {
	/** Omitted when the caller did not sample embeddings (e.g. unit tests of the action logic alone). */
	continuity?: ContinuityResult | null;
	spoof?: SpoofResult | null;
}

/** Orders failures so the most telling one is reported first: presence, then identity, then spoofing, then actions. */
const priority: ReasonCode[] = [
	'multiple_faces',
	'no_face',
	'face_changed',
	'still_image',
	'spoof_suspected',
	'colour_mismatch',
	'out_of_order',
	'timeout',
	'no_voice',
	'mouth_still',
	'mouth_voice_mismatch',
	'clip_too_short',
	'clip_too_long'
];

export function combineReasons(codes: ReasonCode[]): { passed: boolean; reason: Reason; reasons: Reason[] } {
	const failures = [...new Set(codes.filter((c) => c !== 'passed'))].sort(
		(a, b) => priority.indexOf(a) - priority.indexOf(b)
	);
	if (failures.length === 0) return { passed: true, reason: reason('passed'), reasons: [] };
	const reasons = failures.map(reason);
	return { passed: false, reason: reasons[0], reasons };
}

/** What the sampled checks refuse: another face partway through (2 samples at least), or a presentation attack. */
export function sampledFailures(
	continuity: ContinuityResult | null | undefined,
	spoof: SpoofResult | null | undefined
): ReasonCode[] {
	const codes: ReasonCode[] = [];
	if (continuity && !continuity.passed && continuity.samples >= 2) codes.push('face_changed');
	if (spoof && !spoof.passed) codes.push('spoof_suspected');
	return codes;
}

export function actionsVerdict(state: ActionsState, checks: SampledChecks = {}): LivenessVerdict {
	const outcome = actionsOutcome(state) ?? 'timeout';
	const continuity = checks.continuity ?? null;
	const spoof = checks.spoof ?? null;
	const codes: ReasonCode[] = [outcome, ...sampledFailures(continuity, spoof)];
	const { passed, reason: main, reasons } = combineReasons(codes);
	const startedAt = state.startedAt ?? 0;
	const mo = state.motion;
	const finite = (v: number): number | null => (Number.isFinite(v) ? round(v, 3) : null);
	return {
		kind: 'actions',
		passed,
		reason: main,
		reasons,
		steps: state.steps,
		continuity,
		spoof,
		timings: {
			startedAt,
			endedAt: state.lastT,
			durationMs: state.lastT - startedAt,
			frames: state.frames,
			faceFrames: state.faceFrames
		},
		measures: {
			neutralYaw: state.neutral ? round(state.neutral.yaw, 2) : null,
			neutralPitch: state.neutral ? round(state.neutral.pitch, 2) : null,
			neutralMouth: state.neutral ? round(state.neutral.mouth, 3) : null,
			yawRange: finite(mo.yawMax - mo.yawMin),
			pitchRange: finite(mo.pitchMax - mo.pitchMin),
			mouthRange: finite(mo.mouthMax - mo.mouthMin),
			noseXRange: finite(mo.noseXMax - mo.noseXMin),
			noseYRange: finite(mo.noseYMax - mo.noseYMin),
			eyeClosures: mo.closures
		}
	};
}
