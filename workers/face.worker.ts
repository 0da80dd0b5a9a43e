// The face engine off the main thread: comlink.expose over core/face with the browser runtime (onnxruntime-web
// through src/lib/runtime/web-ort.ts). Models load once per worker behind init()'s progress callback, are
// warmed up on a blank frame, and go away with the worker when the page terminates it at the end of the step.
import * as Comlink from 'comlink';
import { antispoofDecision, type AntispoofResult } from '../src/lib/core/face/antispoof.ts';
import {
	createFaceEngine,
	FACE_MODELS,
	type FaceEngineOptions,
	type FullFaceEngine
} from '../src/lib/core/face/engine.ts';
import { compareFaces, type FaceComparison } from '../src/lib/core/face/match.ts';
import { sampleFace, type FaceSample } from '../src/lib/core/face/live-sample.ts';
import type { DetectedFace, FaceEmbedding, FaceMeasurement } from '../src/lib/core/face/types.ts';
import { createImage, type RgbaImage } from '../src/lib/core/image/types.ts';
import { GPU_FACE_MODELS, inferenceProvider, type InferenceProvider } from '../src/lib/core/compat/decide.ts';
import { gpuAdapterKind } from '../src/lib/runtime/web-gpu.ts';
import { createWebRuntime, type ModelProviders, type WebRuntime } from '../src/lib/runtime/web-ort.ts';

/** What init() resolves to: enough for a result bundle to cite the runtime and models. */
export interface FaceWorkerInfo {
	runtime: string;
	models: { id: string; sha256: string; size: number }[];
	threads: number;
	/** Where each face model runs (WebGPU where the provider rule chose it and it started, else WASM). */
	providers: ModelProviders;
	ms: number;
}

/** What the page knows for the provider rule; the worker probes the WebGPU adapter itself. */
export interface ProviderHints {
	light: boolean;
	override: InferenceProvider | null;
}

/**
 * Where the anti-spoof network runs: in this worker with the rest ('here'), in a worker of its own beside this one
 * ('elsewhere': not loaded here unless a sample() asks for it), or alone in this one ('only': the other models are
 * neither downloaded nor warmed). The rule is the core's antiSpoofApart.
 */
export type AntiSpoofPlace = 'here' | 'elsewhere' | 'only';

/** A camera frame as the page can send it: ImageData (copied or transferred) or an ImageBitmap (transferred). */
export type FrameInput = ImageData | ImageBitmap | RgbaImage;

/** A blank square with a face box inside it: enough for the anti-spoof crop to run once at init. */
const BLANK_FACE = 128;
const BLANK_BOX: DetectedFace = { box: { x: 32, y: 32, width: 64, height: 64 }, score: 1 };

let runtime: WebRuntime | null = null;
let engine: FullFaceEngine | null = null;
let ready: Promise<FaceWorkerInfo> | null = null;

function toRgba(frame: FrameInput): RgbaImage {
	if (typeof ImageBitmap !== 'undefined' && frame instanceof ImageBitmap) {
		const canvas = new OffscreenCanvas(frame.width, frame.height);
		const ctx = canvas.getContext('2d', { willReadFrequently: true });
		if (!ctx) throw new Error('no 2d context in the worker');
		ctx.drawImage(frame, 0, 0);
		frame.close();
		return ctx.getImageData(0, 0, canvas.width, canvas.height);
	}
	return frame as RgbaImage;
}

function need(): FullFaceEngine {
	if (!engine) throw new Error('face worker: call init() first');
	return engine;
}

const api = {
	/** Downloads (with progress), verifies and warms every face model. Safe to call more than once. */
	init(
		onProgress?: (loaded: number, total: number, id: string) => void,
		options: {
			numThreads?: number;
			engine?: FaceEngineOptions;
			provider?: ProviderHints;
			antiSpoof?: AntiSpoofPlace;
		} = {}
	): Promise<FaceWorkerInfo> {
		ready ??= (async () => {
			const started = performance.now();
			const hints = options.provider ?? { light: false, override: null };
			const provider = inferenceProvider({ adapter: await gpuAdapterKind(), ...hints });
			runtime = createWebRuntime({
				onProgress,
				numThreads: options.numThreads,
				gpuModels: provider === 'webgpu' ? GPU_FACE_MODELS : []
			});
			engine = createFaceEngine(runtime, options.engine);
			const place = options.antiSpoof ?? 'here';
			if (place === 'only') {
				// One run on a blank face compiles its kernels before the first sample.
				await engine.liveness(createImage(BLANK_FACE, BLANK_FACE), BLANK_BOX);
			} else {
				await engine.warmUp(place === 'elsewhere' ? [FACE_MODELS.antispoof] : []);
				// One pass over a blank frame compiles every kernel before the first real camera frame.
				await engine.measure(createImage(320, 240));
			}
			const manifest = await runtime.manifest();
			// The models this worker's results cite (in 'elsewhere', the anti-spoof score its sibling gives is cited
			// here too: both load it from the same manifest).
			const ids = new Set<string>(place === 'only' ? [FACE_MODELS.antispoof] : engine.models());
			return {
				runtime: runtime.name,
				models: manifest.files
					.filter((f) => ids.has(f.id))
					.map((f) => ({ id: f.id, sha256: f.sha256, size: f.size })),
				threads: runtime.threads(),
				providers: runtime.providers(),
				ms: performance.now() - started
			};
		})();
		ready.catch(() => (ready = null));
		return ready;
	},

	/** Per-frame measurements for the camera loop: `t` in ms, increasing within one capture. */
	measure(frame: FrameInput, t = 0): Promise<FaceMeasurement> {
		return need().measure(toRgba(frame), t);
	},

	/** Forgets the tracked box: the camera loop's next frames are of another size. */
	resetTracking(): void {
		need().resetTracking();
	},

	/** Measurements of a still picture (a photo): never a box tracked from another image. */
	measureStill(frame: FrameInput): Promise<FaceMeasurement> {
		need().resetTracking();
		return need().measure(toRgba(frame), 0);
	},

	detect(frame: FrameInput): Promise<DetectedFace[]> {
		return need().detect(toRgba(frame));
	},

	/** 512-d embedding of one face (keypoints from measure() are reused; otherwise landmarks run first). */
	embed(frame: FrameInput, face: DetectedFace): Promise<FaceEmbedding> {
		return need().embed(toRgba(frame), face);
	},

	/** Passive anti-spoof decision for one face, at the caller's threshold (the province policy's). */
	async liveness(frame: FrameInput, face: DetectedFace, threshold: number): Promise<AntispoofResult> {
		return antispoofDecision(await need().liveness(toRgba(frame), face), threshold);
	},

	/**
	 * The liveness loop's periodic sample of one face: embedding and anti-spoof on one copy of the frame, judged at
	 * the caller's anti-spoof threshold (the province policy's). `ms` is the time the two models and their crops
	 * took in the worker (the frame's copy to the worker excluded).
	 */
	async sample(
		frame: FrameInput,
		face: DetectedFace,
		antiSpoofThreshold: number
	): Promise<FaceSample & { ms: number }> {
		const image = toRgba(frame);
		const started = performance.now();
		const sampled = await sampleFace(need(), image, face, antiSpoofThreshold);
		return { ...sampled, ms: performance.now() - started };
	},

	/** Judged at the caller's threshold: the province policy's (resolvePolicy), never a default of this worker. */
	compare(a: FaceEmbedding, b: FaceEmbedding, threshold: number): FaceComparison {
		return compareFaces(a, b, threshold);
	}
};

export type FaceWorkerApi = typeof api;
Comlink.expose(api);
