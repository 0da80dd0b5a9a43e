// The liveness camera loop on the main thread: frames go to the face worker (core/face measurements), the core
// action state machine turns them into prompts and times each step, sampled frames are embedded and scored for
// anti-spoof, and a frame-to-frame motion measure follows the picture. What the loop observed goes to the core's
// one judge (core/liveness/judge.ts), which a replay of a recorded clip calls the same way. Nothing here leaves
// the phone except the result and, where the policy asks for liveness evidence, the frames its moments pick
// (cropped by the screen's controller, client/evidence-frames.ts).
import type { FaceWorkerApi } from '../../../workers/face.worker.ts';
import type { DetectedFace, FaceMeasurement } from '$lib/core/face/types';
import type { LiveSampler } from '$lib/core/face/live-sample';
import { resizeFace } from '$lib/core/face/geometry';
import { TOO_DARK } from '$lib/core/face/quality';
import { SLOW_CAMERA_LOOP } from '$lib/core/face/camera-loop';
import type { RgbaImage } from '$lib/core/image/types';
import { median } from '$lib/client/motion';
import {
	actionsPrompt,
	createActionsState,
	createFrameMotion,
	finishActions,
	judgeLiveness,
	readingMs,
	stepActions,
	type Challenge,
	type DigitAudio,
	type LivenessVerdict,
	type Reason,
	type ReasonCode,
	type Sample,
	type Text
} from '$lib/core/liveness';
import {
	colourAt,
	FLASH_MS,
	flashWindow,
	regionMean,
	skinRegion,
	type ColourSample,
	type ScreenColour
} from '$lib/core/liveness/colour';
import { manyFacesPrompt, noFacePrompt, tooDarkPrompt } from '$lib/core/liveness/prompts';
import { COLOUR_SKIPPED_DETAIL, type ColourSkipCode } from '$lib/core/liveness/colour-support';
import { evidenceCandidates, pickEvidenceFrames, type EvidenceMoment } from '$lib/core/liveness/evidence';
import type { KeptFrame } from '$lib/client/evidence-frames';
import type { Remote } from 'comlink';

export interface LoopCallbacks {
	prompt(text: Text): void;
	hint(text: Text | null): void;
	/** The camera's current frame, downscaled to at most `maxWidth` pixels wide when given. */
	frame(maxWidth?: number): ImageData | null;
	/**
	 * Resolves when the camera has a frame the loop has not measured yet. Without it the loop yields once per frame
	 * and may measure one camera frame several times (tests replaying recorded frames need no pacing).
	 */
	nextFrame?(): Promise<void>;
	/** When the camera captured the current frame (performance.now() clock), if the browser says. */
	capturedAt?(): number | null;
	/** The action step being asked (1-based) of how many, and the seconds left before it times out. */
	step?(index: number, total: number, secondsLeft: number | null): void;
	/** The camera's current frame drawn MOTION_WIDTH x MOTION_HEIGHT, for the frame-to-frame motion measure. */
	thumbnail(): RgbaImage | null;
	/**
	 * Runs alongside the loop for digit reading (the clip), resolves when the reading time is over with the
	 * clip's audio PCM (null when the phone gave no microphone audio).
	 */
	reading?: Promise<HeardAudio | null>;
	/**
	 * The colour challenge, when the policy runs it: the loop tells the screen which colour to show (null: none) and
	 * samples the skin region's colour on each frame for the judge.
	 */
	colour?: { sequence: readonly ScreenColour[]; show(colour: ScreenColour | null): void };
	/** Why the colour challenge the policy asks for did not run ('when_supported'): signed with the result. */
	colourSkipped?: ColourSkipCode;
	/**
	 * Embeds and scores a kept frame once the capture is over: the app's liveSampler (the anti-spoof network in a
	 * worker of its own where the phone has a core for it); without it, the face worker's own sample().
	 */
	sample?: LiveSampler;
}

/** The clip's audio and when its first sample was heard (performance.now() clock). */
export interface HeardAudio {
	audio: DigitAudio;
	startedAt: number;
}

export interface LoopResult {
	passed: boolean;
	reason: Reason;
	reasons: ReasonCode[];
	/** Every failed check with its message, deciding one first. */
	messages: Reason[];
	scores: Record<string, number>;
	details: Record<string, string | number | boolean | null>;
	/**
	 * The frame for each evidence moment asked (in the moments' order; null when one has none), held in memory
	 * only until the screen has cropped them. Absent when no moments were asked.
	 */
	evidence?: KeptFrame[] | null;
}

/** A face narrower than this share of the frame is too far away to judge. */
const FAR = 0.22;
/** Head turned or tilted beyond this many degrees while the candidate should face the screen. */
const OFF_AXIS = 20;
const SAMPLE_EVERY_MS = 500;
/**
 * Digit reading captures a frame at most this often and measures the frames once the reading is over, so the mouth
 * is seen 12-15 times a second however slow the phone: measured live, a loaded phone managed 3-6 frames a second,
 * too few to follow syllables (a quiet speaker's mouth range fell under its threshold).
 */
const READING_CAPTURE_MS = 60;
/** Width of the frames kept for the mouth: the face detector's own input width, so detection loses nothing. */
const READING_WIDTH = 320;
/** Frames kept for the samples at most (each is a full camera frame held in memory until the end). */
const MAX_SAMPLES = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function hintFor(m: FaceMeasurement, facingRequired: boolean): Text | null {
	if (m.faceCount === 0) return noFacePrompt;
	if (m.faceCount > 1) return manyFacesPrompt;
	if (m.brightness !== undefined && m.brightness < TOO_DARK) return tooDarkPrompt;
	if (m.facePosition && m.facePosition.widthFraction < FAR)
		return { zh: '请靠近一点', en: 'Come a little closer' };
	if (facingRequired && m.pose && (Math.abs(m.pose.yaw) > OFF_AXIS || Math.abs(m.pose.pitch) > OFF_AXIS))
		return { zh: '请正对屏幕', en: 'Face the screen' };
	return null;
}

export async function runFaceLiveness(
	api: Remote<FaceWorkerApi>,
	challenge: Challenge,
	thresholds: { faceMatch: number; antiSpoof: number },
	cb: LoopCallbacks,
	/** The liveness evidence moments the server's nonce picks (policy liveness.evidence 'frames'). */
	evidenceMoments?: readonly EvidenceMoment[]
): Promise<LoopResult> {
	const motion = createFrameMotion();
	const motions: number[] = [];
	const samples: Sample[] = [];
	/** Frames set aside for the embedding and anti-spoof samples, every sampleEvery ms of the challenge. */
	const kept: KeptFrame[] = [];
	/** With evidence asked: the frame each action step completed on (an action's peak). */
	const peaks: KeptFrame[] = [];
	let actions = challenge.kind === 'actions' ? createActionsState(challenge) : null;
	let frames = 0;
	let identicalFrames = 0;
	let faceFrames = 0;
	let multiFrames = 0;
	const brightness: number[] = [];
	let mouthMin = Infinity;
	let mouthMax = -Infinity;
	let readingDone = false;
	cb.reading?.then(() => (readingDone = true));
	// Digit reading keeps every measurement: the mouth is compared with the voice over the whole clip.
	const measurements: FaceMeasurement[] = [];
	const limitMs =
		challenge.kind === 'actions'
			? 1000 + challenge.actions.length * challenge.stepTimeoutMs
			: challenge.clipMaxMs;
	let sampleEvery = SAMPLE_EVERY_MS;
	const started = performance.now();
	// Where the loop's time goes (reported per frame): a slow phone shows which part to lighten.
	const spent = { capture: 0, measure: 0, wait: 0 };
	/** Digit reading: small frames for the mouth, and now and then a full one for the samples. */
	const reading: { t: number; small: ImageData; full: ImageData | null }[] = [];
	let lastFullAt = -Infinity;
	let lastGrabAt = -Infinity;
	const captureLag: number[] = [];
	/**
	 * Set once the phone is too slow for full-size frames (SLOW_CAMERA_LOOP): the loop then measures small frames
	 * and grabs a full one only when a sample is due. Evidence frames are full-size frames, so a capture that asks
	 * for evidence keeps measuring full-size frames.
	 */
	let smallFrames = false;
	let overBudget = 0;
	/** The colour challenge's sequence starts on the first frame and the loop runs at least until it is over. */
	const colourSamples: ColourSample[] = [];
	let colourShown: ScreenColour | null = null;
	const colourEndsAt = cb.colour ? cb.colour.sequence.length * FLASH_MS : 0;
	const flash = (t: number) => {
		if (!cb.colour) return;
		const c = colourAt(cb.colour.sequence, t);
		if (c !== colourShown) cb.colour.show((colourShown = c));
	};
	/** With evidence asked: per flash, the frame nearest the middle of its settled part (its `flash:<i>` crop). */
	const flashFrames: KeptFrame[] = [];
	const sampleColour = (t: number, frame: ImageData, face: DetectedFace | null) => {
		if (!cb.colour || !face || t >= colourEndsAt) return;
		const rgb = regionMean(frame, skinRegion(face));
		if (rgb) colourSamples.push({ t, rgb });
		if (!evidenceMoments) return;
		const i = Math.floor(t / FLASH_MS);
		const w = flashWindow(i);
		const best = flashFrames[i];
		if (t >= w.from && (!best || Math.abs(t - w.mid) < Math.abs(best.t - w.mid)))
			flashFrames[i] = { t, frame, face };
	};

	const count = (measured: FaceMeasurement) => {
		frames++;
		if (measured.faceCount === 1) faceFrames++;
		if (measured.faceCount > 1) multiFrames++;
		if (measured.brightness !== undefined) brightness.push(measured.brightness);
		if (measured.mouthOpenness !== undefined) {
			mouthMin = Math.min(mouthMin, measured.mouthOpenness);
			mouthMax = Math.max(mouthMax, measured.mouthOpenness);
		}
	};
	const keep = (t: number, frame: ImageData, face: DetectedFace) => {
		kept.push({ t, frame, face });
		// A long challenge keeps every other frame and samples half as often: the samples still span it all.
		if (kept.length > MAX_SAMPLES) {
			kept.splice(0, kept.length, ...kept.filter((_, i) => i % 2 === 0));
			sampleEvery *= 2;
		}
	};

	for (;;) {
		const t = performance.now() - started;
		flash(t);
		if (actions && (actions.phase === 'passed' || actions.phase === 'failed') && t >= colourEndsAt) break;
		if (challenge.kind === 'digits' && (readingDone || t >= readingMs(challenge))) break;
		if (t > limitMs + 2000) break;
		if (challenge.kind === 'digits') {
			// The mouth is set against the voice by when the camera took the frame, not when the loop got it.
			const capturedAt = cb.capturedAt?.() ?? null;
			const at = capturedAt !== null && capturedAt <= started + t ? capturedAt - started : t;
			const previous = reading[reading.length - 1]?.t ?? -Infinity;
			if (t - lastGrabAt >= READING_CAPTURE_MS && at > previous) {
				lastGrabAt = t;
				// The thumbnail first, right after the frame clock: see the camera loop below.
				const thumbnail = cb.thumbnail();
				const small = cb.frame(READING_WIDTH);
				if (!small || !thumbnail) break;
				const m = motion.push(thumbnail);
				if (m !== null) motions.push(m);
				if (m === 0) identicalFrames++;
				const full = t - lastFullAt >= sampleEvery ? cb.frame() : null;
				if (full) lastFullAt = t;
				if (capturedAt !== null) captureLag.push(t - at);
				reading.push({ t: at, small, full });
				spent.capture += performance.now() - started - t;
			}
			const waited = performance.now();
			await (cb.nextFrame ? cb.nextFrame() : sleep(0));
			spent.wait += performance.now() - waited;
			continue;
		}
		// The motion thumbnail is grabbed first, right after the frame clock said a new frame came: grabbed after the
		// frame, on a slow phone the camera had often moved on by then, the next loop took that same frame's
		// thumbnail again and the motion of 0 counted towards a still picture (models/notes/budget-phones.md).
		const thumbnail = cb.thumbnail();
		const last = kept[kept.length - 1];
		const sampleDue = !last || t - last.t >= sampleEvery;
		const frame = smallFrames ? cb.frame(SLOW_CAMERA_LOOP.frameWidth) : cb.frame();
		// The sample's full-size frame is the measured one, grabbed at the same moment.
		const full = smallFrames ? (sampleDue ? cb.frame() : null) : frame;
		if (!frame || !thumbnail) break;
		const m = motion.push(thumbnail);
		if (m !== null) motions.push(m);
		// No change at all between two frames: one camera frame measured twice, or a digitally injected still.
		if (m === 0) identicalFrames++;
		const captured = performance.now();
		spent.capture += captured - started - t;
		const measured = await api.measure(frame, t);
		spent.measure += performance.now() - captured;
		count(measured);
		if (measured.faceCount === 1) sampleColour(t, frame, measured.face);
		if (actions) {
			const done = actions.steps.filter((s) => s.completedAt !== null).length;
			actions = stepActions(actions, measured);
			if (
				evidenceMoments &&
				measured.faceCount === 1 &&
				measured.face &&
				actions.steps.filter((s) => s.completedAt !== null).length > done
			)
				peaks.push({ t, frame, face: measured.face });
			cb.prompt(actionsPrompt(actions, measured));
			const running = actions.phase === 'running' && actions.stepStartedAt !== null;
			cb.step?.(
				Math.min(actions.step + 1, actions.challenge.actions.length),
				actions.challenge.actions.length,
				running
					? Math.max(
							0,
							Math.ceil((actions.challenge.stepTimeoutMs - (t - (actions.stepStartedAt ?? t))) / 1000)
						)
					: null
			);
		}
		cb.hint(hintFor(measured, !actions || actions.phase === 'calibrating'));
		if (measured.faceCount === 1 && measured.face && sampleDue && full) {
			keep(t, full, full === frame ? measured.face : resizeFace(measured.face, full.width / frame.width));
		}
		if (!smallFrames && !evidenceMoments) {
			overBudget = performance.now() - started - t > SLOW_CAMERA_LOOP.frameBudgetMs ? overBudget + 1 : 0;
			if (overBudget >= SLOW_CAMERA_LOOP.overFrames) {
				smallFrames = true;
				// The tracked box is in full-size pixels: the next small frame is detected afresh.
				await api.resetTracking();
			}
		}
		const waited = performance.now();
		await (cb.nextFrame ? cb.nextFrame() : sleep(0));
		spent.wait += performance.now() - waited;
	}
	flash(Infinity);
	if (actions) actions = finishActions(actions);
	/** When the capture ended (the frames' clock): the evidence's points of the capture are shares of it. */
	const endedAt = performance.now() - started;
	// What comes now (the reading's frames, the samples) took 3-4 s on a throttled phone with nothing on screen.
	if (reading.length > 0 || kept.length > 0)
		cb.hint({ zh: '正在分析，请稍候', en: 'Analysing, please wait' });
	for (const { t, small, full } of reading) {
		const begun = performance.now();
		const measured = await api.measure(small, t);
		spent.measure += performance.now() - begun;
		count(measured);
		if (measured.faceCount === 1) sampleColour(t, small, measured.face);
		measurements.push(stripped(measured));
		if (full && measured.faceCount === 1 && measured.face) {
			keep(t, full, resizeFace(measured.face, full.width / small.width));
		}
	}
	reading.length = 0;
	let evidence: KeptFrame[] | null | undefined;
	if (evidenceMoments) {
		const candidates = evidenceCandidates(kept, [...peaks, ...flashFrames.filter(Boolean)]);
		const picked = pickEvidenceFrames(evidenceMoments, candidates, {
			startedAt: 0,
			endedAt,
			completedAt: actions?.steps.map((s) => s.completedAt) ?? []
		});
		evidence = picked.some((i) => i < 0) ? null : picked.map((i) => candidates[i]);
		peaks.length = 0;
		flashFrames.length = 0;
	}
	// The sampled frames are embedded and scored once the challenge is over: each sample costs as much as several
	// camera frames, and on a slow phone a blink or the mouth's movement fell between the frames it took.
	const samplingFrom = performance.now();
	const sample: LiveSampler = cb.sample ?? ((frame, face, threshold) => api.sample(frame, face, threshold));
	for (const k of kept) {
		const { embedding, antiSpoof } = await sample(k.frame, k.face, thresholds.antiSpoof);
		samples.push({ t: k.t, embedding: embedding.vector, live: antiSpoof.live });
	}
	kept.length = 0;
	const samplingMs = performance.now() - samplingFrom;
	// The clip may still be closing when the frames stop; its audio is needed for the verdict.
	const heard = cb.reading ? await cb.reading : null;
	const audio = heard?.audio ?? null;

	const presence = { frames, faceFrames, multiFrames };
	const colour = cb.colour && { sequence: cb.colour.sequence, startedAt: 0, samples: colourSamples };
	const verdict = judgeLiveness(
		actions
			? { kind: 'actions', actions, samples, presence, motions, colour }
			: {
					kind: 'digits',
					challenge: challenge.kind === 'digits' ? challenge : undefined,
					frames: measurements,
					audio,
					audioStartMs: heard ? heard.startedAt - started : undefined,
					samples,
					presence,
					motions,
					colour
				},
		{ faceMatchThreshold: thresholds.faceMatch, antiSpoofThreshold: thresholds.antiSpoof }
	);
	const { passed, spoof, continuity } = verdict;
	const steps = actions?.steps ?? [];
	const r = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
	return {
		passed,
		reason: verdict.reason,
		reasons: verdict.reasons.map((x) => x.code),
		messages: verdict.reasons,
		scores: {
			motion: r(verdict.measures.motion ?? 0),
			...(spoof?.median != null ? { antiSpoof: r(spoof.median) } : {}),
			...(continuity?.minSimilarity != null ? { similarity: r(continuity.minSimilarity) } : {}),
			brightness: r(median(brightness) ?? 0)
		},
		details: {
			engine: 'face',
			frames,
			identicalFrames,
			faceFrames,
			samples: samples.length,
			actionsDone: steps.filter((s) => s.passed).length,
			stepsDetail: steps.length
				? steps
						.map(
							(s) =>
								`${s.action}:${s.passed ? 'ok' : 'no'}${s.durationMs !== null ? `@${s.durationMs}ms` : ''}`
						)
						.join(',')
				: null,
			actionsAsked: challenge.kind === 'actions' ? challenge.actions.length : 0,
			mouthRange: Number.isFinite(mouthMax - mouthMin) ? r(mouthMax - mouthMin) : null,
			durationMs: Math.round(performance.now() - started),
			captureMsPerFrame: frames ? r(spent.capture / frames, 1) : null,
			measureMsPerFrame: frames ? r(spent.measure / frames, 1) : null,
			waitMsPerFrame: frames ? r(spent.wait / frames, 1) : null,
			smallFrames,
			samplingMs: Math.round(samplingMs),
			captureLagMs: captureLag.length ? r(median(captureLag) ?? 0, 0) : null,
			...measuresOf(verdict),
			audio: challenge.kind === 'digits' ? (audio ? 'pcm' : 'unavailable') : null,
			...(cb.colourSkipped ? { [COLOUR_SKIPPED_DETAIL]: cb.colourSkipped } : {})
		},
		...(evidence !== undefined ? { evidence: passed ? evidence : null } : {})
	};
}

/** A measurement without its landmarks and face box: digit reading needs the mouth, not 68 points per frame. */
function stripped(m: FaceMeasurement): FaceMeasurement {
	return {
		t: m.t,
		faceCount: m.faceCount,
		face: m.face,
		...(m.mouthOpenness !== undefined ? { mouthOpenness: m.mouthOpenness } : {})
	};
}

/** The verdict's measures (VAD and mouth figures, motion ranges), prefixed so they do not clash with ours. */
function measuresOf(v: LivenessVerdict): Record<string, number | null> {
	const out: Record<string, number | null> = {};
	for (const [k, x] of Object.entries(v.measures)) out[`m_${k}`] = x;
	return out;
}

/**
 * The liveness challenge the server issued with the session (the server is the authority: it draws the actions
 * or digits, and fixes them in test mode), when it has the expected shape; null to draw one on the phone.
 */
export function issuedChallenge(value: unknown, kind: Challenge['kind']): Challenge | null {
	if (!value || typeof value !== 'object') return null;
	const c = value as Record<string, unknown>;
	// A challenge of another kind than the province's policy asks for is not the one to perform.
	if (c.kind !== kind) return null;
	if (
		c.kind === 'actions' &&
		Array.isArray(c.actions) &&
		c.actions.length > 0 &&
		c.actions.every((a) => typeof a === 'string') &&
		typeof c.stepTimeoutMs === 'number'
	)
		return value as Challenge;
	if (
		c.kind === 'digits' &&
		typeof c.digits === 'string' &&
		/^\d{4,6}$/.test(c.digits) &&
		typeof c.clipMinMs === 'number' &&
		typeof c.clipMaxMs === 'number'
	)
		return value as Challenge;
	return null;
}

export interface PcmCapture {
	/** Stops listening and returns the mono PCM heard (its first `keepMs` at most; null if the phone gave no audio). */
	stop(keepMs?: number): Promise<HeardAudio | null>;
}

/**
 * Taps the microphone track of the camera stream with Web Audio while the clip records, for the voice check.
 * The samples stay in this page's memory and are dropped after the verdict; they are never uploaded.
 */
export function capturePcm(stream: MediaStream): PcmCapture {
	const tracks = stream.getAudioTracks();
	if (tracks.length === 0 || typeof AudioContext === 'undefined') return { stop: async () => null };
	const context = new AudioContext();
	const source = context.createMediaStreamSource(new MediaStream(tracks));
	// ScriptProcessorNode needs no separate worklet module and is available on every phone browser we target.
	const tap = context.createScriptProcessor(4096, 1, 1);
	const chunks: Float32Array[] = [];
	let samples = 0;
	// When the first sample was heard: each callback comes after the samples it carries, never before, so the
	// earliest "callback time minus the samples so far" is the best estimate (a busy phone delays callbacks).
	let startedAt = Infinity;
	tap.onaudioprocess = (e) => {
		chunks.push(new Float32Array(e.inputBuffer.getChannelData(0)));
		samples += e.inputBuffer.length;
		startedAt = Math.min(startedAt, performance.now() - (samples / e.inputBuffer.sampleRate) * 1000);
	};
	// The tap only runs while connected to the output; it writes silence, so nothing is heard.
	source.connect(tap);
	tap.connect(context.destination);
	void context.resume();
	return {
		async stop(keepMs = Infinity) {
			tap.disconnect();
			source.disconnect();
			const sampleRate = context.sampleRate;
			await context.close();
			const heard = chunks.reduce((n, c) => n + c.length, 0);
			const length = Math.min(heard, Math.round((keepMs / 1000) * sampleRate));
			if (length === 0) return null;
			const pcm = new Float32Array(length);
			let offset = 0;
			for (const c of chunks) {
				if (offset >= length) break;
				pcm.set(c.subarray(0, length - offset), offset);
				offset += c.length;
			}
			return { audio: { pcm, sampleRate }, startedAt };
		}
	};
}
