// The liveness camera loop on the main thread: frames go to the face worker (core/face measurements), the core
// action state machine turns them into prompts, sampled frames give the anti-spoof and same-face checks, and a
// frame-to-frame motion measure catches a still picture. Nothing here leaves the phone except the result.
import { createMotionTracker, median } from '$lib/client/motion';
import type { FaceWorkerApi } from '../../../../workers/face.worker.ts';
import type { FaceMeasurement } from '$lib/core/face/types';
import {
	actionsPrompt,
	checkContinuity,
	createActionsState,
	finishActions,
	foldAntiSpoof,
	reason,
	stepActions,
	type Challenge,
	type Reason,
	type ReasonCode,
	type Text
} from '$lib/core/liveness';
import type { Remote } from 'comlink';

export interface LoopCallbacks {
	prompt(text: Text): void;
	hint(text: Text | null): void;
	frame(): ImageData | null;
	source(): CanvasImageSource | null;
	/** Runs alongside the loop for digit reading (the clip), resolves when the reading time is over. */
	reading?: Promise<unknown>;
}

export interface LoopResult {
	passed: boolean;
	reason: Reason;
	reasons: ReasonCode[];
	scores: Record<string, number>;
	details: Record<string, string | number | boolean | null>;
}

/** Below this mean face brightness (0..1) the measurements are unreliable. */
const DARK = 0.25;
/** A face narrower than this share of the frame is too far away to judge. */
const FAR = 0.22;
/** Head turned or tilted beyond this many degrees while the candidate should face the screen. */
const OFF_AXIS = 20;
/** Median frame-to-frame change (0..255) below which the picture is a still image. */
const STILL_MOTION = 0.4;
const SAMPLE_EVERY_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function hintFor(m: FaceMeasurement, facingRequired: boolean): Text | null {
	if (m.faceCount === 0) return { zh: '请将脸放入框内', en: 'Bring your face into the frame' };
	if (m.faceCount > 1) return { zh: '请确保画面中只有您一人', en: 'Make sure only you are in view' };
	if (m.brightness !== undefined && m.brightness < DARK) return { zh: '光线太暗', en: 'Too dark' };
	if (m.facePosition && m.facePosition.widthFraction < FAR)
		return { zh: '请靠近一点', en: 'Come a little closer' };
	if (facingRequired && m.pose && (Math.abs(m.pose.yaw) > OFF_AXIS || Math.abs(m.pose.pitch) > OFF_AXIS))
		return { zh: '请正对屏幕', en: 'Face the screen' };
	return null;
}

const cosine = (a: Float32Array, b: Float32Array) => {
	let dot = 0;
	let na = 0;
	let nb = 0;
	for (let i = 0; i < a.length; i++) {
		dot += a[i] * b[i];
		na += a[i] * a[i];
		nb += b[i] * b[i];
	}
	return dot / Math.sqrt(na * nb || 1);
};

export async function runFaceLiveness(
	api: Remote<FaceWorkerApi>,
	challenge: Challenge,
	thresholds: { faceMatch: number; antiSpoof: number },
	cb: LoopCallbacks
): Promise<LoopResult> {
	const motion = createMotionTracker();
	const motions: number[] = [];
	const samples: { t: number; embedding: Float32Array; live: number }[] = [];
	let actions = challenge.kind === 'actions' ? createActionsState(challenge) : null;
	let frames = 0;
	let faceFrames = 0;
	let multiFrames = 0;
	const brightness: number[] = [];
	let mouthMin = Infinity;
	let mouthMax = -Infinity;
	let readingDone = false;
	cb.reading?.then(() => (readingDone = true));
	const limitMs =
		challenge.kind === 'actions'
			? 1000 + challenge.actions.length * challenge.stepTimeoutMs
			: challenge.clipMaxMs;
	const started = performance.now();

	for (;;) {
		const t = performance.now() - started;
		if (actions && (actions.phase === 'passed' || actions.phase === 'failed')) break;
		if (challenge.kind === 'digits' && readingDone) break;
		if (t > limitMs + 2000) break;
		const frame = cb.frame();
		const source = cb.source();
		if (!frame || !source) break;
		const m = motion.push(source);
		if (m !== null) motions.push(m);
		const measured = await api.measure(frame, t);
		frames++;
		if (measured.faceCount === 1) faceFrames++;
		if (measured.faceCount > 1) multiFrames++;
		if (measured.brightness !== undefined) brightness.push(measured.brightness);
		if (measured.mouthOpenness !== undefined) {
			mouthMin = Math.min(mouthMin, measured.mouthOpenness);
			mouthMax = Math.max(mouthMax, measured.mouthOpenness);
		}
		if (actions) {
			actions = stepActions(actions, measured);
			cb.prompt(actionsPrompt(actions, measured));
		}
		cb.hint(hintFor(measured, !actions || actions.phase === 'calibrating'));
		const last = samples[samples.length - 1];
		if (measured.faceCount === 1 && measured.face && (!last || t - last.t >= SAMPLE_EVERY_MS)) {
			const [emb, live] = await Promise.all([
				api.embed(frame, measured.face),
				api.liveness(frame, measured.face)
			]);
			samples.push({ t, embedding: emb.vector, live: live.live });
		}
		await sleep(0);
	}
	if (actions) actions = finishActions(actions);

	const continuity = checkContinuity(
		samples,
		(a, b) => cosine(a.embedding, b.embedding),
		thresholds.faceMatch
	);
	const spoof = foldAntiSpoof(
		samples.map((s) => s.live),
		thresholds.antiSpoof
	);
	const motionMedian = median(motions) ?? 0;
	const codes: ReasonCode[] = [];
	if (faceFrames < Math.max(3, frames * 0.5)) codes.push('no_face');
	if (multiFrames >= 3) codes.push('multiple_faces');
	if (motions.length >= 3 && motionMedian < STILL_MOTION) codes.push('still_image');
	if (!spoof.passed) codes.push('spoof_suspected');
	if (!continuity.passed && continuity.samples >= 2) codes.push('face_changed');
	const passed = codes.length === 0;
	const steps = actions?.steps ?? [];
	const r = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
	return {
		passed,
		reason: reason(passed ? 'passed' : codes[0]),
		reasons: codes,
		scores: {
			motion: r(motionMedian),
			...(spoof.median !== null ? { antiSpoof: r(spoof.median) } : {}),
			...(continuity.minSimilarity !== null ? { similarity: r(continuity.minSimilarity) } : {}),
			brightness: r(median(brightness) ?? 0)
		},
		details: {
			engine: 'face',
			frames,
			faceFrames,
			samples: samples.length,
			// Action steps are measured and recorded; they do not decide yet (see the report on the fake camera).
			actionsDone: steps.filter((s) => s.passed).length,
			actionsAsked: challenge.kind === 'actions' ? challenge.actions.length : 0,
			mouthRange: Number.isFinite(mouthMax - mouthMin) ? r(mouthMax - mouthMin) : null,
			durationMs: Math.round(performance.now() - started)
		}
	};
}
