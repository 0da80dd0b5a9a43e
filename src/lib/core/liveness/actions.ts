// The action-challenge state machine: FaceMeasurement frames in, one step at a time, a prompt for each moment.
// Pure and serialisable (plain data), so the camera loop, the CLI replay and unit tests drive the same code.
import type { FaceMeasurement } from '../face/types.ts';
import {
	actionPrompts,
	calibratePrompt,
	donePrompt,
	manyFacesPrompt,
	noFacePrompt,
	recentrePrompt
} from './prompts.ts';
import { faceGeometry } from './geometry.ts';
import { median, percentile, round } from './stats.ts';
import type { ActionsChallenge, LivenessAction, ReasonCode, StepResult, Text } from './types.ts';

export interface ActionsConfig {
	/** Face frames collected before the first step to learn the neutral pose and the open-eye level. */
	calibrationMs: number;
	/** Head turn left/right: yaw change from the neutral pose, degrees. */
	yawDeg: number;
	/** Raise/lower head: pitch change from the neutral pose, degrees. */
	pitchDeg: number;
	/** After a head action the next step waits until the head is back within this many degrees of neutral. */
	recentreDeg: number;
	/**
	 * Blink detection on the eye-state model's open probability and, independently, on the landmark eye aspect
	 * ratio: eyes count as closed below closeRatio x the person's own open level (so glasses and small eyes, which
	 * lower both signals, still blink), reopened above reopenRatio x that level, and the drop must be at least
	 * minDrop so a noisy flat signal cannot blink. Either signal may detect the blink.
	 */
	blinkProbability: BlinkSignalConfig;
	blinkEar: BlinkSignalConfig;
	/** A closure longer than this is not a blink (eyes shut, or the face turned away). */
	blinkMaxMs: number;
	/** Window for the open-eye level (a high percentile of recent openness). */
	eyeBaselineMs: number;
	/**
	 * A head action also needs the 2-D keypoint geometry to change by this much from neutral (geometry.ts): the nose
	 * offset along the eye line for turns, its position between eyes and mouth for nods. A flat picture moved or
	 * tilted in front of the camera cannot do it, even when the pose model is fooled.
	 */
	geoTurn: number;
	geoNod: number;
	/** Mouth open: openness above the neutral level by this much. */
	mouthDelta: number;
	/**
	 * A later action counts as done out of order only beyond this multiple of its threshold: yaw and pitch move
	 * together a little in a real head, and a slight drift must not fail an honest candidate.
	 */
	outOfOrderFactor: number;
	/** No face for this long fails the challenge. */
	noFaceMs: number;
	/** Several faces on this many consecutive frames fails the challenge. */
	multiFaceFrames: number;
	/** Below these motion ranges over the whole challenge a timeout is called a still image. */
	stillPoseDeg: number;
	/** Keypoint-geometry range below which the face did not move in 3-D (whatever the pose model says). */
	stillGeometry: number;
	stillMouth: number;
}

export interface BlinkSignalConfig {
	closeRatio: number;
	reopenRatio: number;
	minDrop: number;
}

export const defaultActionsConfig: ActionsConfig = {
	calibrationMs: 500,
	yawDeg: 15,
	pitchDeg: 10,
	recentreDeg: 10,
	// Probability is near 1 open and near 0 closed on the fixtures; EAR ~0.31 open, ~0.17-0.19 closed (live_blink).
	blinkProbability: { closeRatio: 0.5, reopenRatio: 0.8, minDrop: 0.3 },
	blinkEar: { closeRatio: 0.75, reopenRatio: 0.85, minDrop: 0.05 },
	blinkMaxMs: 1500,
	eyeBaselineMs: 3000,
	geoTurn: 0.1,
	geoNod: 0.06,
	mouthDelta: 0.2,
	outOfOrderFactor: 1.3,
	noFaceMs: 1500,
	multiFaceFrames: 3,
	stillPoseDeg: 4,
	stillGeometry: 0.06,
	stillMouth: 0.08
};

export type ActionsPhase = 'calibrating' | 'running' | 'passed' | 'failed';

interface Neutral {
	yaw: number;
	pitch: number;
	mouth: number;
	noseX: number | null;
	noseY: number | null;
}

interface EyeSample {
	t: number;
	v: number;
}

/** One eye signal's recent open-eye history and the closure in progress (open level frozen when it started). */
export interface BlinkTrack {
	eyes: EyeSample[];
	closed: { since: number; level: number; min: number } | null;
	closures: number;
}

const emptyTrack = (): BlinkTrack => ({ eyes: [], closed: null, closures: 0 });

/** Plain data only, so the state can be logged, stored and compared in tests. */
export interface ActionsState {
	challenge: ActionsChallenge;
	config: ActionsConfig;
	phase: ActionsPhase;
	failure: ReasonCode | null;
	/** Index of the current step in challenge.actions. */
	step: number;
	stepStartedAt: number | null;
	/** False while waiting for the head to come back to neutral before the step can be detected. */
	armed: boolean;
	neutral: Neutral | null;
	calibration: {
		t: number;
		yaw: number;
		pitch: number;
		mouth: number;
		noseX: number | null;
		noseY: number | null;
	}[];
	/** Blink trackers on the two eye signals. */
	blink: { probability: BlinkTrack; ear: BlinkTrack };
	steps: StepResult[];
	startedAt: number | null;
	lastT: number;
	lastFaceT: number | null;
	multiFaceRun: number;
	frames: number;
	faceFrames: number;
	/** Largest excursions seen, for telling a still image from a slow candidate. */
	motion: {
		yawMin: number;
		yawMax: number;
		pitchMin: number;
		pitchMax: number;
		mouthMin: number;
		mouthMax: number;
		noseXMin: number;
		noseXMax: number;
		noseYMin: number;
		noseYMax: number;
		closures: number;
	};
}

export function createActionsState(
	challenge: ActionsChallenge,
	config: Partial<ActionsConfig> = {}
): ActionsState {
	return {
		challenge,
		config: { ...defaultActionsConfig, ...config },
		phase: 'calibrating',
		failure: null,
		step: 0,
		stepStartedAt: null,
		armed: true,
		neutral: null,
		calibration: [],
		blink: { probability: emptyTrack(), ear: emptyTrack() },
		steps: challenge.actions.map((action) => ({
			action,
			passed: false,
			startedAt: null,
			completedAt: null,
			durationMs: null,
			measure: {}
		})),
		startedAt: null,
		lastT: 0,
		lastFaceT: null,
		multiFaceRun: 0,
		frames: 0,
		faceFrames: 0,
		motion: {
			yawMin: Infinity,
			yawMax: -Infinity,
			pitchMin: Infinity,
			pitchMax: -Infinity,
			mouthMin: Infinity,
			mouthMax: -Infinity,
			noseXMin: Infinity,
			noseXMax: -Infinity,
			noseYMin: Infinity,
			noseYMax: -Infinity,
			closures: 0
		}
	};
}

function eyeProbability(m: FaceMeasurement): number | null {
	return m.eyeOpenness ? (m.eyeOpenness.left + m.eyeOpenness.right) / 2 : null;
}

function eyeAspect(m: FaceMeasurement): number | null {
	return m.eyeAspectRatio ? (m.eyeAspectRatio.left + m.eyeAspectRatio.right) / 2 : null;
}

function fail(state: ActionsState, code: ReasonCode): ActionsState {
	return { ...state, phase: 'failed', failure: code };
}

/** Head/mouth displacement from neutral in the direction each action asks for (positive = towards it). */
function displacement(action: LivenessAction, m: FaceMeasurement, n: Neutral): number | null {
	if (action === 'open_mouth') return m.mouthOpenness === undefined ? null : m.mouthOpenness - n.mouth;
	if (!m.pose) return null;
	// Engine convention (core/face/types.ts): yaw > 0 = the person turns to their own left; pitch > 0 = head up.
	switch (action) {
		case 'turn_left':
			return m.pose.yaw - n.yaw;
		case 'turn_right':
			return n.yaw - m.pose.yaw;
		case 'raise_head':
			return m.pose.pitch - n.pitch;
		case 'lower_head':
			return n.pitch - m.pose.pitch;
		default:
			return null;
	}
}

/** How far the keypoint geometry moved from neutral on the axis this action uses, or null if it cannot tell. */
function geometryChange(action: LivenessAction, m: FaceMeasurement, n: Neutral): number | null {
	const g = faceGeometry(m);
	if (!g) return null;
	if ((action === 'turn_left' || action === 'turn_right') && n.noseX !== null)
		return Math.abs(g.noseX - n.noseX);
	if ((action === 'raise_head' || action === 'lower_head') && n.noseY !== null)
		return Math.abs(g.noseY - n.noseY);
	return null;
}

/** Whether `action` is done on this frame, and the measures that say so. */
function actionDone(
	action: LivenessAction,
	m: FaceMeasurement,
	n: Neutral,
	c: ActionsConfig,
	factor = 1
): Record<string, number> | null {
	const d = displacement(action, m, n);
	const threshold = actionThreshold(action, c) * factor;
	if (d === null || d < threshold) return null;
	if (action === 'open_mouth') return { displacement: round(d, 3), threshold };
	const geo = geometryChange(action, m, n);
	const geoThreshold = (action === 'turn_left' || action === 'turn_right' ? c.geoTurn : c.geoNod) * factor;
	if (geo === null || geo < geoThreshold) return null;
	return { displacement: round(d, 2), threshold, geometry: round(geo, 3), geometryThreshold: geoThreshold };
}

function actionThreshold(action: LivenessAction, c: ActionsConfig): number {
	if (action === 'turn_left' || action === 'turn_right') return c.yawDeg;
	if (action === 'open_mouth') return c.mouthDelta;
	return c.pitchDeg;
}

function nearNeutral(m: FaceMeasurement, n: Neutral, c: ActionsConfig): boolean {
	if (!m.pose) return false;
	const mouthOk = m.mouthOpenness === undefined || m.mouthOpenness - n.mouth < c.mouthDelta / 2;
	return (
		Math.abs(m.pose.yaw - n.yaw) < c.recentreDeg &&
		Math.abs(m.pose.pitch - n.pitch) < c.recentreDeg &&
		mouthOk
	);
}

function trackMotion(state: ActionsState, m: FaceMeasurement): ActionsState['motion'] {
	const mo = { ...state.motion };
	if (m.pose) {
		mo.yawMin = Math.min(mo.yawMin, m.pose.yaw);
		mo.yawMax = Math.max(mo.yawMax, m.pose.yaw);
		mo.pitchMin = Math.min(mo.pitchMin, m.pose.pitch);
		mo.pitchMax = Math.max(mo.pitchMax, m.pose.pitch);
	}
	if (m.mouthOpenness !== undefined) {
		mo.mouthMin = Math.min(mo.mouthMin, m.mouthOpenness);
		mo.mouthMax = Math.max(mo.mouthMax, m.mouthOpenness);
	}
	const g = faceGeometry(m);
	if (g) {
		mo.noseXMin = Math.min(mo.noseXMin, g.noseX);
		mo.noseXMax = Math.max(mo.noseXMax, g.noseX);
		mo.noseYMin = Math.min(mo.noseYMin, g.noseY);
		mo.noseYMax = Math.max(mo.noseYMax, g.noseY);
	}
	return mo;
}

/** Open-eye level: a high percentile of recent openness, so a blink or a squint does not pull it down. */
function openEyeLevel(eyes: readonly EyeSample[]): number | null {
	if (eyes.length < 3) return null;
	return percentile(
		eyes.map((e) => e.v),
		0.9
	);
}

interface Blink {
	durationMs: number;
	/** How far the signal fell, relative to the open level (1 = fully closed). */
	depth: number;
	level: number;
}

function updateTrack(
	track: BlinkTrack,
	t: number,
	v: number | null,
	sc: BlinkSignalConfig,
	c: ActionsConfig
): { track: BlinkTrack; blink: Blink | null } {
	if (v === null) return { track, blink: null };
	let { eyes, closed, closures } = track;
	let blink: Blink | null = null;
	if (closed) {
		const min = Math.min(closed.min, v);
		if (v >= closed.level * sc.reopenRatio) {
			const durationMs = t - closed.since;
			if (durationMs <= c.blinkMaxMs)
				blink = { durationMs, depth: 1 - min / closed.level, level: closed.level };
			closures += 1;
			closed = null;
		} else {
			closed = { ...closed, min };
		}
	} else {
		const level = openEyeLevel(eyes);
		if (level !== null && v < level * sc.closeRatio && level - v >= sc.minDrop)
			closed = { since: t, level, min: v };
	}
	// Closed frames stay out of the open-eye history, so a long closure cannot lower the level it is judged by.
	if (!closed) eyes = [...eyes.filter((e) => t - e.t <= c.eyeBaselineMs), { t, v }];
	return { track: { eyes, closed, closures }, blink };
}

function completeStep(state: ActionsState, t: number, measure: Record<string, number>): ActionsState {
	const steps = state.steps.map((s, i) =>
		i === state.step
			? {
					...s,
					passed: true,
					completedAt: t,
					durationMs: s.startedAt === null ? null : t - s.startedAt,
					measure
				}
			: s
	);
	const next = state.step + 1;
	if (next >= state.challenge.actions.length) return { ...state, steps, step: next, phase: 'passed' };
	const stepsStarted = steps.map((s, i) => (i === next ? { ...s, startedAt: t } : s));
	const wasHead = state.challenge.actions[state.step] !== 'blink';
	return { ...state, steps: stepsStarted, step: next, stepStartedAt: t, armed: !wasHead };
}

function medianOrNull(values: (number | null)[]): number | null {
	const known = values.filter((v): v is number => v !== null);
	return known.length ? median(known) : null;
}

/** Feeds one frame; returns the new state (the input is not modified). */
export function stepActions(prev: ActionsState, m: FaceMeasurement): ActionsState {
	if (prev.phase === 'passed' || prev.phase === 'failed') return prev;
	const c = prev.config;
	const t = m.t;
	const state: ActionsState = {
		...prev,
		startedAt: prev.startedAt ?? t,
		lastT: t,
		frames: prev.frames + 1
	};

	if (
		prev.phase === 'running' &&
		prev.stepStartedAt !== null &&
		t - prev.stepStartedAt > prev.challenge.stepTimeoutMs
	) {
		return fail(state, 'timeout');
	}
	// Presence: exactly one face, or a clock towards failure.
	if (m.faceCount > 1) {
		state.multiFaceRun = prev.multiFaceRun + 1;
		if (state.multiFaceRun >= c.multiFaceFrames) return fail(state, 'multiple_faces');
		return state;
	}
	state.multiFaceRun = 0;
	if (m.faceCount === 0 || !m.face) {
		const since = prev.lastFaceT ?? state.startedAt ?? t;
		if (t - since >= c.noFaceMs) return fail(state, 'no_face');
		return state;
	}
	state.lastFaceT = t;
	state.faceFrames = prev.faceFrames + 1;
	state.motion = trackMotion(prev, m);

	const byProbability = updateTrack(prev.blink.probability, t, eyeProbability(m), c.blinkProbability, c);
	const byEar = updateTrack(prev.blink.ear, t, eyeAspect(m), c.blinkEar, c);
	state.blink = { probability: byProbability.track, ear: byEar.track };
	state.motion.closures = Math.max(byProbability.track.closures, byEar.track.closures);
	const blink = byProbability.blink ?? byEar.blink;
	const blinkSignal = byProbability.blink ? 'probability' : 'ear';

	if (state.phase === 'calibrating') {
		if (m.pose) {
			const g = faceGeometry(m);
			state.calibration = [
				...prev.calibration,
				{
					t,
					yaw: m.pose.yaw,
					pitch: m.pose.pitch,
					mouth: m.mouthOpenness ?? 0,
					noseX: g?.noseX ?? null,
					noseY: g?.noseY ?? null
				}
			];
		}
		const first = state.calibration[0];
		if (first && t - first.t >= c.calibrationMs && state.calibration.length >= 3) {
			state.neutral = {
				yaw: median(state.calibration.map((s) => s.yaw)),
				pitch: median(state.calibration.map((s) => s.pitch)),
				mouth: median(state.calibration.map((s) => s.mouth)),
				noseX: medianOrNull(state.calibration.map((s) => s.noseX)),
				noseY: medianOrNull(state.calibration.map((s) => s.noseY))
			};
			state.phase = 'running';
			state.stepStartedAt = t;
			state.steps = state.steps.map((s, i) => (i === 0 ? { ...s, startedAt: t } : s));
		}
		return state;
	}

	const neutral = state.neutral as Neutral;
	const action = state.challenge.actions[state.step];
	if (!state.armed) {
		if (nearNeutral(m, neutral, c)) state.armed = true;
		return state;
	}

	if (action === 'blink') {
		if (blink) {
			return completeStep(state, t, {
				closedMs: blink.durationMs,
				depth: round(blink.depth),
				openLevel: round(blink.level),
				// 1 = eye-state model, 2 = landmark eye aspect ratio (measures are numbers).
				signal: blinkSignal === 'probability' ? 1 : 2
			});
		}
	} else {
		const done = actionDone(action, m, neutral, c);
		if (done) return completeStep(state, t, done);
	}
	// A later head or mouth action done before this one breaks the order. Blinks are involuntary, so never count.
	for (const later of state.challenge.actions.slice(state.step + 1)) {
		if (later === 'blink') continue;
		if (actionDone(later, m, neutral, c, c.outOfOrderFactor)) return fail(state, 'out_of_order');
	}
	return state;
}

/** Motion seen over the whole challenge: below the still thresholds and without a closure, it was a still image. */
export function looksStill(state: ActionsState): boolean {
	const mo = state.motion;
	if (state.faceFrames === 0) return false;
	const yaw = mo.yawMax - mo.yawMin;
	const pitch = mo.pitchMax - mo.pitchMin;
	const mouth = Number.isFinite(mo.mouthMax) ? mo.mouthMax - mo.mouthMin : 0;
	const geometry = Math.max(mo.noseXMax - mo.noseXMin, mo.noseYMax - mo.noseYMin);
	// With keypoints, the geometry decides whether the head moved in 3-D (a moving print fools the pose model);
	// without them, the pose ranges do.
	const headMoved = Number.isFinite(geometry)
		? geometry >= state.config.stillGeometry
		: (Number.isFinite(yaw) && yaw >= state.config.stillPoseDeg) ||
			(Number.isFinite(pitch) && pitch >= state.config.stillPoseDeg);
	return mo.closures === 0 && !headMoved && mouth < state.config.stillMouth;
}

/** Ends the challenge when the frames stop (end of a recording, or the camera closed). */
export function finishActions(state: ActionsState): ActionsState {
	if (state.phase === 'passed' || state.phase === 'failed') return state;
	if (state.faceFrames === 0) return fail(state, 'no_face');
	return fail(state, 'timeout');
}

/** The machine stepped over a whole recorded capture and finished. */
export function runActions(
	challenge: ActionsChallenge,
	frames: readonly FaceMeasurement[],
	config: Partial<ActionsConfig> = {}
): ActionsState {
	let state = createActionsState(challenge, config);
	for (const m of frames) state = stepActions(state, m);
	return finishActions(state);
}

/** The deciding code of a finished machine; a timeout with no life signs is reported as a still image. */
export function actionsOutcome(state: ActionsState): ReasonCode | null {
	if (state.phase === 'passed') return 'passed';
	if (state.phase !== 'failed' || !state.failure) return null;
	if ((state.failure === 'timeout' || state.failure === 'out_of_order') && looksStill(state))
		return 'still_image';
	return state.failure;
}

export function actionsPrompt(state: ActionsState, m?: FaceMeasurement): Text {
	if (state.phase === 'passed' || state.phase === 'failed') return donePrompt;
	if (m && m.faceCount > 1) return manyFacesPrompt;
	if (m && m.faceCount === 0) return noFacePrompt;
	if (state.phase === 'calibrating') return calibratePrompt;
	if (!state.armed) return recentrePrompt;
	return actionPrompts[state.challenge.actions[state.step]];
}
