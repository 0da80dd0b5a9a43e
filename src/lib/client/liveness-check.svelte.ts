// The liveness step's work on the phone, outside the screen: the challenge of this attempt, the face models' load,
// the capture (the face loop, or the frame-to-frame motion measure alone when the models cannot load), the reading
// clip kept on the phone, the evidence crops, the live frame and live still, and the verdict dispatched. The screen
// renders this controller's state and starts the check; its worker calls are dropped when the screen's signal aborts.
import { grabFrame, videoFrameClock } from './camera.ts';
import { errorText } from './errors.ts';
import { colourPlanFor } from './colour-step.ts';
import { evidenceCrops, momentsToCrop } from './evidence-frames.ts';
import { watchForInjection } from './injection-probe.ts';
import { takeLiveStill, uncheckedStill } from './live-still.ts';
import { capturePcm, issuedChallenge, runFaceLiveness, type HeardAudio } from './liveness-loop.ts';
import { judgeLivenessAttempt } from './liveness-step.ts';
import { createMotionTracker, motionThumbnail } from './motion.ts';
import type { PhotoEvidence } from './phone-store.ts';
import { faceWorker, frameProbeWorker, liveSampler, photoWorker, disposeFaceWorker } from './workers.ts';
import type { LiveSampler } from '../core/face/live-sample.ts';
import { TOO_DARK } from '../core/face/quality.ts';
import { livenessResult, livenessVerdict, MOTION_PROBE_ENGINE } from '../core/flow/index.ts';
import { createChallenge, readingMs } from '../core/liveness/challenge.ts';
import { colourSequence, type ScreenColour } from '../core/liveness/colour.ts';
import { actionPrompts, calibratePrompt, digitsPrompt, tooDarkPrompt } from '../core/liveness/prompts.ts';
import type { Challenge, Text } from '../core/liveness/types.ts';
import { resolve } from '../core/policy/resolve.ts';
import type { ScreenProps } from '../ui/flow/types.ts';

const SAMPLE_MS = 150;
const ACTION_MS = 3000;
const CALIBRATE_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The running camera the check reads: its video, its stream, and how to stop it once the check is over. */
export interface LiveCamera {
	video: HTMLVideoElement;
	stream: MediaStream;
	stop(): void;
}

export class LivenessCheck {
	running = $state(false);
	prompt = $state<Text | null>(null);
	hint = $state<Text | null>(null);
	/** Seconds left of the reading clip. */
	remaining = $state(0);
	/** The action step being asked, of how many, and its seconds left. */
	progress = $state<{ index: number; total: number; left: number | null } | null>(null);
	/** The face engine when its models load; otherwise the motion measure alone (reported as such). */
	engine = $state<'loading' | 'face' | 'motion'>('loading');
	download = $state({ loaded: 0, total: 0 });
	/** Where the face models run once loaded ('webgpu' when any does): support and tests read it off the screen. */
	inference = $state<'wasm' | 'webgpu' | null>(null);
	/** The colour challenge's colour on screen now (null: none); the sequence is the server's nonce's. */
	flash = $state<ScreenColour | null>(null);
	/** What stopped a check part way (a worker call that threw): shown, and the check can be started again. */
	failure = $state<string | null>(null);
	/** The policy requires the colour challenge and this phone's camera cannot run it. */
	colourUnsupported = $state(false);
	/** Drawn once per attempt (the screen is re-created for each) and saved when the check starts. */
	readonly challenge: Challenge;
	#models: { id: string; sha256: string }[] = [];
	/** How the kept frames are sampled once the capture is over (set when the face models have loaded). */
	#sampler: LiveSampler | undefined;
	/** Why the face models did not load (the motion measure then decides, and the result says why). */
	#modelsError: string | null = null;

	/** screen: the screen's current props; signal: aborted when the screen goes. */
	constructor(
		private readonly screen: () => ScreenProps,
		private readonly signal: AbortSignal
	) {
		const { phone, policy } = screen();
		this.challenge =
			phone.liveness ??
			issuedChallenge(phone.challenge?.liveness, policy.liveness.kind) ??
			createChallenge(policy.liveness);
	}

	/** Whether this check runs the colour challenge (the screen says so before it starts). */
	get colourOn(): boolean {
		return resolve(this.screen().policy).colour !== 'off';
	}

	loadModels() {
		const face = faceWorker((loaded, total) => (this.download = { loaded, total }), this.signal);
		face.info.then(
			async (info) => {
				this.#models = info.models.map((m) => ({ id: m.id, sha256: m.sha256 }));
				this.inference = Object.values(info.providers).includes('webgpu') ? 'webgpu' : 'wasm';
				// The anti-spoof network's own worker, where the phone has one, loads before the check may start.
				const done = this.download;
				const sampling = liveSampler(this.signal, (loaded, total) => {
					this.download = { loaded: done.loaded + loaded, total: done.total + total };
				});
				await sampling.ready;
				this.#sampler = sampling.sample;
				this.engine = 'face';
			},
			(error: unknown) => {
				console.error('face models failed to load', error);
				this.#modelsError = errorText(error);
				this.engine = 'motion';
			}
		);
	}

	run = async (camera: LiveCamera) => {
		if (this.running) return;
		this.failure = null;
		try {
			await (this.engine === 'face' ? this.#runWithFace(camera) : this.#runWithMotion(camera));
		} catch (error) {
			if (this.signal.aborted) return;
			console.error('liveness check failed', error);
			this.failure = `${this.engine === 'face' ? 'face check' : 'motion check'}: ${errorText(error)}`;
			this.#stop(camera);
		}
	};

	#stop(camera: LiveCamera) {
		camera.stop();
		this.running = false;
		this.prompt = null;
		this.hint = null;
		this.progress = null;
	}

	async #begin(): Promise<Challenge> {
		this.running = true;
		const { phone, save } = this.screen();
		if (!phone.liveness) await save({ liveness: $state.snapshot(this.challenge) as Challenge });
		return this.challenge;
	}

	async #runWithMotion(camera: LiveCamera) {
		const { video, stream } = camera;
		const fixed = await this.#begin();
		const resolved = resolve(this.screen().policy);
		const motion = createMotionTracker();
		const motions: number[] = [];
		const brightness: number[] = [];
		const sharpness: number[] = [];
		// The camera is watched for injection as on the face engine's path: the same signals, the same detail.
		const camWatch = watchForInjection(video, stream);
		let sampling = true;
		const sampler = (async () => {
			let n = 0;
			while (sampling) {
				const m = motion.push(video);
				if (m !== null) motions.push(m);
				if (n++ % 3 === 0) {
					const probe = await frameProbeWorker(this.signal).probe(grabFrame(video));
					brightness.push(probe.brightness);
					sharpness.push(probe.sharpness);
					this.hint = probe.brightness / 255 < TOO_DARK ? tooDarkPrompt : null;
				}
				await sleep(SAMPLE_MS);
			}
		})();

		let clip: Blob | undefined;
		const started = performance.now();
		if (fixed.kind === 'actions') {
			this.prompt = calibratePrompt;
			await sleep(CALIBRATE_MS);
			for (const action of fixed.actions) {
				this.prompt = actionPrompts[action];
				await sleep(ACTION_MS);
			}
		} else {
			this.prompt = digitsPrompt(fixed.digits);
			clip = await this.#record(stream, readingMs(fixed));
		}
		sampling = false;
		await sampler;
		const injection = camWatch.finish();
		const durationMs = Math.round(performance.now() - started);
		const still =
			this.screen().policy.photo.kind === 'live_still'
				? await uncheckedStill(video, resolved.photoSpec!)
				: null;
		this.#stop(camera);

		const { result, reason } = livenessResult({
			engine: MOTION_PROBE_ENGINE,
			challenge: fixed,
			motions,
			brightness,
			sharpness,
			durationMs,
			faceModelsError: this.#modelsError,
			injection,
			clipKeptOnPhone: !!clip
		});
		const { phone, dispatch } = this.screen();
		// A new attempt draws a new challenge.
		const patch = {
			results: { ...phone.results, liveness: result },
			clip,
			liveness: undefined,
			// Without the face engine no evidence is cropped (nor an earlier attempt's kept).
			evidence: undefined,
			...(still ? { photo: still } : {})
		};
		await dispatch(livenessVerdict(result, reason).event, patch);
	}

	async #runWithFace(camera: LiveCamera) {
		const { video: v, stream } = camera;
		const fixed = await this.#begin();
		const { phone: before, policy } = this.screen();
		const resolved = resolve(policy);
		// Whether this phone's camera can run the colour challenge is measured before anything is recorded.
		const plan = await colourPlanFor(v, resolved.colour);
		if ('unsupported' in plan) {
			this.colourUnsupported = true;
			this.#stop(camera);
			return;
		}
		let clip: Promise<Blob | undefined> | undefined;
		let reading: Promise<HeardAudio | null> | undefined;
		if (fixed.kind === 'digits') {
			this.prompt = digitsPrompt(fixed.digits);
			const pcm = capturePcm(stream);
			const ms = readingMs(fixed);
			clip = this.#record(stream, ms);
			// The sound is cut to the same length whether or not the recorder delivered its clip.
			const stop = () => pcm.stop(ms);
			reading = clip.then(stop, stop);
		}
		const moments = momentsToCrop(resolved, before.challenge, plan.run);
		const clock = videoFrameClock(v);
		const probe = watchForInjection(v, stream);
		let outcome: Awaited<ReturnType<typeof runFaceLiveness>>;
		try {
			outcome = await runFaceLiveness(
				faceWorker(undefined, this.signal).api,
				fixed,
				resolved.thresholds,
				{
					prompt: (text) => (this.prompt = text),
					hint: (text) => (this.hint = text),
					frame: (maxWidth) => (v.videoWidth ? grabFrame(v, maxWidth) : null),
					nextFrame: () => clock.next(),
					capturedAt: () => clock.capturedAt(),
					thumbnail: () => (v.videoWidth ? motionThumbnail(v) : null),
					step: (index, total, left) => (this.progress = { index, total, left }),
					reading,
					colour: plan.run
						? { sequence: colourSequence(before.challenge.nonce), show: (c) => (this.flash = c) }
						: undefined,
					colourSkipped: 'skipped' in plan ? plan.skipped : undefined,
					sample: this.#sampler
				},
				moments
			);
		} finally {
			clock.stop();
			this.flash = null;
		}
		const injection = probe.finish();
		// The frames picked for the evidence are cropped now and their full frames let go.
		const evidence = moments && outcome.evidence ? await evidenceCrops(moments, outcome.evidence) : null;
		delete outcome.evidence;
		const kept = clip ? await clip : undefined;
		// One live frame for the face match with the ID card portrait (the camera is about to stop).
		const live = v.videoWidth ? grabFrame(v) : null;
		// Where the policy sends a still of the face as the photo, it is taken now, checked as the server will.
		let still: PhotoEvidence | null = null;
		if (outcome.passed && policy.photo.kind === 'live_still') {
			this.prompt = {
				zh: '请正对屏幕，保持不动，正在拍摄照片',
				en: 'Look straight at the screen and hold still: taking the photo'
			};
			still = await takeLiveStill(
				v,
				resolved.photoSpec!,
				faceWorker(undefined, this.signal).api,
				photoWorker(this.signal),
				(r) => (this.hint = r && { zh: r.zh, en: r.en })
			);
		}
		this.#stop(camera);
		const { result, reason } = livenessResult({
			engine: 'face',
			challenge: fixed,
			verdict: outcome,
			models: this.#models,
			injection,
			clipKeptOnPhone: !!kept
		});
		const { phone, dispatch } = this.screen();
		const verdict = await judgeLivenessAttempt(
			result,
			reason,
			live,
			{ idPortrait: phone.idPortrait, photo: phone.photo },
			resolved,
			this.signal
		);
		disposeFaceWorker();
		const patch = {
			results: { ...phone.results, liveness: verdict.result },
			clip: kept,
			liveness: undefined,
			// A new check's crops replace any earlier attempt's; a failed check sends none.
			evidence: verdict.result.passed ? (evidence ?? undefined) : undefined,
			...(still ? { photo: still } : {})
		};
		await dispatch(verdict.event, patch);
	}

	/** Records the reading clip with MediaRecorder; it is stored in IndexedDB on the phone only. */
	async #record(source: MediaStream, ms: number): Promise<Blob | undefined> {
		if (typeof MediaRecorder === 'undefined') {
			await this.#countdown(ms);
			return undefined;
		}
		const recorder = new MediaRecorder(source);
		const chunks: Blob[] = [];
		recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
		const stopped = new Promise((r) => (recorder.onstop = r));
		recorder.start();
		await this.#countdown(ms);
		recorder.stop();
		await stopped;
		return new Blob(chunks, { type: recorder.mimeType });
	}

	async #countdown(ms: number) {
		const end = performance.now() + ms;
		while ((this.remaining = Math.max(0, Math.ceil((end - performance.now()) / 1000))) > 0) await sleep(200);
	}
}
