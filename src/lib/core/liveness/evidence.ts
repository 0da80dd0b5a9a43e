// Liveness evidence the server checks itself (policy `liveness.evidence: 'frames'`): a few small face crops taken
// on the phone at moments the challenge's nonce picks, listed with their sha256 in the signed bundle and uploaded
// with it. The server re-runs its own face engine on them (same person as the uploaded photo, passive anti-spoof,
// head pose at the action peaks) and deletes them once the verdict is recorded. Pure: the phone, the server and the
// tests read the same moments, crop geometry and judge.
import type { Box } from '../image/types.ts';
import type { HeadPose } from '../face/types.ts';
import type { ResolvedPolicy } from '../policy/resolve.ts';
import type { LivenessAction } from '../policy/types.ts';
import { defaultActionsConfig } from './actions.ts';
import { nonceRng } from './challenge.ts';
import { COLOUR_FLASHES, flashWindow, judgeFlashColours, type ScreenColour } from './colour.ts';
import { reason } from './reasons.ts';
import type { Challenge as LivenessChallenge, Text } from './types.ts';

/**
 * What the phone sends: this many square JPEG crops of this side, each at most maxBytes, and with the colour
 * challenge one more per flash of its sequence.
 */
export const EVIDENCE_FRAMES = { count: 4, size: 128, maxBytes: 24 * 1024, jpegQuality: 0.85 } as const;

/** The most crops a bundle may list: the moments and a crop per flash of the colour sequence. */
export const MAX_EVIDENCE_CROPS = EVIDENCE_FRAMES.count + COLOUR_FLASHES;

/** The crops a province's policy has the phone send at most: a crop per flash too when the colour challenge may run. */
export function evidenceCropCount(resolved: Pick<ResolvedPolicy, 'colour'>): number {
	return EVIDENCE_FRAMES.count + (resolved.colour === 'off' ? 0 : COLOUR_FLASHES);
}

/**
 * A moment of the capture: `neutral` (after calibration, face straight), `action:<i>:<action>` (the peak of the
 * challenge's i-th action), `at:<permille>` (that far through the clip or capture, picked by the nonce) or
 * `flash:<i>` (the middle of the colour challenge's i-th flash, core/liveness/colour.ts flashWindow).
 */
export type EvidenceMoment = string;

/**
 * The moments the crops must be taken at, in upload order. An action challenge gets a neutral crop and one at each
 * head or mouth action's peak (a blink's peak is too short to time); the rest, and all of a digit challenge's, at
 * points of the capture drawn from the nonce (100-900 permille, distinct).
 */
export function evidenceMoments(
	nonce: string,
	liveness: LivenessChallenge | undefined,
	count: number = EVIDENCE_FRAMES.count,
	/** The colour sequence's flashes to crop too (0: no colour challenge), after the other moments. */
	flashes = 0
): EvidenceMoment[] {
	const moments: EvidenceMoment[] = [];
	if (liveness?.kind === 'actions') {
		moments.push('neutral');
		liveness.actions.forEach((action, i) => {
			if (action !== 'blink' && moments.length < count) moments.push(`action:${i}:${action}`);
		});
	}
	const rng = nonceRng(nonce);
	const used = new Set<number>();
	while (moments.length < count) {
		const permille = 100 + Math.floor(rng() * 801);
		if (used.has(permille)) continue;
		used.add(permille);
		moments.push(`at:${permille}`);
	}
	for (let i = 0; i < flashes; i++) moments.push(`flash:${i}`);
	return moments;
}

/** The flash of a `flash:<i>` moment, or null. */
export function momentFlash(moment: EvidenceMoment): number | null {
	const m = /^flash:(\d+)$/.exec(moment);
	return m ? Number(m[1]) : null;
}

/** The action of an `action:<i>:<action>` moment, or null. */
export function momentAction(moment: EvidenceMoment): LivenessAction | null {
	const m = /^action:\d+:([a-z_]+)$/.exec(moment);
	return m ? (m[1] as LivenessAction) : null;
}

/** The square around a detected face the phone crops (face ~55 % of the side, clamped to the frame). */
export function evidenceCropBox(face: Box, frameWidth: number, frameHeight: number): Box {
	const side = Math.min(Math.round(Math.max(face.width, face.height) * 1.8), frameWidth, frameHeight);
	const cx = face.x + face.width / 2;
	const cy = face.y + face.height / 2;
	const x = Math.round(Math.min(Math.max(cx - side / 2, 0), frameWidth - side));
	const y = Math.round(Math.min(Math.max(cy - side / 2, 0), frameHeight - side));
	return { x, y, width: side, height: side };
}

/** What the server's engine measured on one crop. */
export interface CropMeasure {
	moment: EvidenceMoment;
	faceCount: number;
	/** Cosine similarity of the crop's face to the uploaded photo's face (null: no single face). */
	similarity: number | null;
	/** Passive anti-spoof live probability (null: no single face). */
	live: number | null;
	pose: HeadPose | null;
	mouthOpenness: number | null;
	/** Mean R, G, B of the face's skin region (core/liveness/colour.ts skinRegion; null: no single face). */
	skin: readonly [number, number, number] | null;
}

export type EvidenceReasonCode =
	| 'evidence_no_face'
	| 'evidence_other_person'
	| 'evidence_spoof'
	| 'evidence_pose'
	| 'evidence_moments'
	| 'colour_mismatch';

export interface EvidenceFinding extends Text {
	code: EvidenceReasonCode;
	moment?: EvidenceMoment;
}

const FINDINGS: Record<EvidenceReasonCode, Text> = {
	evidence_no_face: {
		zh: '活体检测过程中的画面里没有单独一张清晰的人脸，本次认证失败',
		en: 'A frame from the liveness check does not show exactly one clear face; this attempt failed'
	},
	evidence_other_person: {
		zh: '活体检测过程中的人脸与上传的照片不是同一人，本次认证失败',
		en: 'The face during the liveness check is not the person in the uploaded photo; this attempt failed'
	},
	evidence_spoof: {
		zh: '活体检测画面疑似翻拍的照片或屏幕，本次认证失败',
		en: 'A liveness frame looks like a photo or a screen, not a live face; this attempt failed'
	},
	evidence_pose: {
		zh: '活体检测画面中的动作与要求的动作不符，本次认证失败',
		en: 'The liveness frames do not show the requested actions; this attempt failed'
	},
	evidence_moments: {
		zh: '活体检测画面与本次挑战不符，本次认证失败',
		en: 'The liveness frames do not belong to this challenge; this attempt failed'
	},
	// The phone's own words for the same failure: the candidate reads one message whichever side found it.
	colour_mismatch: { zh: reason('colour_mismatch').zh, en: reason('colour_mismatch').en }
};

const finding = (code: EvidenceReasonCode, moment?: EvidenceMoment): EvidenceFinding => ({
	code,
	...FINDINGS[code],
	...(moment ? { moment } : {})
});

/**
 * A head or mouth action at its peak must differ from the neutral crop by this share of the phone's own threshold
 * (defaultActionsConfig): one frame at a peak the phone picked reaches less than the whole action's maximum.
 */
export const PEAK_SHARE = 0.6;

function actionShown(action: LivenessAction, peak: CropMeasure, neutral: CropMeasure): boolean {
	const c = defaultActionsConfig;
	if (action === 'open_mouth')
		return (
			peak.mouthOpenness !== null &&
			neutral.mouthOpenness !== null &&
			peak.mouthOpenness - neutral.mouthOpenness >= c.mouthDelta * PEAK_SHARE
		);
	if (!peak.pose || !neutral.pose) return false;
	const dYaw = Math.abs(peak.pose.yaw - neutral.pose.yaw);
	const dPitch = Math.abs(peak.pose.pitch - neutral.pose.pitch);
	// The direction is not judged: whether the phone's frame was mirrored is the phone's to say, and the size of
	// the turn is what a flat picture cannot fake.
	if (action === 'turn_left' || action === 'turn_right') return dYaw >= c.yawDeg * PEAK_SHARE;
	if (action === 'raise_head' || action === 'lower_head') return dPitch >= c.pitchDeg * PEAK_SHARE;
	return true;
}

/**
 * The server's verdict on the crops, every failure listed (the deciding one first): the expected moments in order,
 * one face each, the uploaded photo's person, live, the actions visible against the neutral crop, and the flash
 * crops' skin following the colour sequence (the phone's own judge, judgeFlashColours).
 */
export function judgeEvidence(
	crops: readonly CropMeasure[],
	expected: readonly EvidenceMoment[],
	thresholds: { faceMatch: number; antiSpoof: number },
	colour?: readonly ScreenColour[]
): { passed: boolean; findings: EvidenceFinding[] } {
	const findings: EvidenceFinding[] = [];
	if (crops.length !== expected.length || crops.some((c, i) => c.moment !== expected[i]))
		return { passed: false, findings: [finding('evidence_moments')] };
	for (const c of crops) {
		if (c.faceCount !== 1 || c.similarity === null) findings.push(finding('evidence_no_face', c.moment));
		else if (c.similarity < thresholds.faceMatch) findings.push(finding('evidence_other_person', c.moment));
	}
	for (const c of crops)
		if (c.live !== null && c.live < thresholds.antiSpoof) findings.push(finding('evidence_spoof', c.moment));
	const neutral = crops.find((c) => c.moment === 'neutral');
	if (neutral)
		for (const c of crops) {
			const action = momentAction(c.moment);
			if (action && !actionShown(action, c, neutral)) findings.push(finding('evidence_pose', c.moment));
		}
	const flashes = crops.filter((c) => momentFlash(c.moment) !== null);
	if (colour && flashes.length) {
		const perFlash = colour.map((_, i) => flashes.find((c) => momentFlash(c.moment) === i)?.skin ?? null);
		if (!judgeFlashColours(perFlash, colour).passed) findings.push(finding('colour_mismatch'));
	}
	return { passed: findings.length === 0, findings };
}

/** A frame the phone kept during the check, on the capture's clock. */
export interface TimedCandidate {
	t: number;
}

/**
 * Which kept frame to crop for each moment: the neutral one is the first, an action's peak the frame nearest its
 * completion (the step's completedAt), `at:<permille>` the frame nearest that point of the capture, `flash:<i>` the
 * frame nearest the flash's middle within its settled part (colour sequence started with the capture). -1 when there is
 * no frame (the phone then cannot send the evidence, and a passing bundle without it is refused).
 */
export function pickEvidenceFrames(
	moments: readonly EvidenceMoment[],
	frames: readonly TimedCandidate[],
	capture: { startedAt: number; endedAt: number; completedAt: readonly (number | null)[] }
): number[] {
	const nearest = (t: number) => {
		let best = -1;
		for (let i = 0; i < frames.length; i++)
			if (best < 0 || Math.abs(frames[i].t - t) < Math.abs(frames[best].t - t)) best = i;
		return best;
	};
	// A flash's crop must be lit by that flash alone: the frame nearest its middle among its settled frames.
	const nearestWithin = (from: number, w: { from: number; to: number; mid: number }) => {
		let best = -1;
		for (let i = 0; i < frames.length; i++) {
			const t = frames[i].t - from;
			if (t < w.from || t >= w.to) continue;
			if (best < 0 || Math.abs(t - w.mid) < Math.abs(frames[best].t - from - w.mid)) best = i;
		}
		return best;
	};
	return moments.map((moment) => {
		if (moment === 'neutral') return frames.length ? 0 : -1;
		const action = /^action:(\d+):/.exec(moment);
		if (action) {
			const done = capture.completedAt[Number(action[1])];
			return done === null || done === undefined ? -1 : nearest(done);
		}
		const flash = momentFlash(moment);
		if (flash !== null) return nearestWithin(capture.startedAt, flashWindow(flash));
		const at = /^at:(\d+)$/.exec(moment);
		if (!at) return -1;
		return nearest(capture.startedAt + (Number(at[1]) / 1000) * (capture.endedAt - capture.startedAt));
	});
}

/**
 * The frames a moment may be cropped from, in capture order: the loop's samples (thinned as the capture grows) and
 * the frame each action step completed on, so an action's peak is the very frame that completed it.
 */
export function evidenceCandidates<T extends TimedCandidate>(
	sampled: readonly T[],
	peaks: readonly T[]
): T[] {
	return [...sampled, ...peaks].sort((a, b) => a.t - b.t);
}
