// Every worker goes through one bridge (worker-bridge.ts): started on first use, so the shell stays light until a
// step needs it. The face and OCR workers (models in memory) are disposed when their step ends, which keeps memory
// low on phones; the frame probe and the photo worker are stopped after a minute unused.
import * as Comlink from 'comlink';
import { antiSpoofApart, inferenceThreads } from '../core/compat/decide.ts';
import { CAMERA_LOOP } from '../core/face/camera-loop.ts';
import type { LiveSampler } from '../core/face/live-sample.ts';
import type { CardSide } from '../core/idcard/fields.ts';
import type { ReadStage } from '../core/idcard/read-stages.ts';
import { inferenceOverride, lightMode } from './compat.ts';
import { browserWorker, createWorkerBridge, type Progress, type StartedWorker } from './worker-bridge.ts';
import type { FaceWorkerApi, FaceWorkerInfo } from '../../../workers/face.worker.ts';
import type { FrameProbeApi } from '../../../workers/frame-probe.worker.ts';
import type { OcrWorkerApi, WorkerReading } from '../../../workers/ocr.worker.ts';
import type { PhotoWorkerApi } from '../../../workers/photo.worker.ts';

const IDLE_MS = 60_000;

// Where each worker starts, written once: Vite bundles a worker only where `new Worker(new URL(…))` is written out.
// The app's bridges below start them, and so do the dev bench page's own bridges (their models loaded its way).
const startFrameProbe = (): StartedWorker =>
	browserWorker(
		new Worker(new URL('../../../workers/frame-probe.worker.ts', import.meta.url), { type: 'module' })
	);
export const startFaceWorker = (): StartedWorker =>
	browserWorker(new Worker(new URL('../../../workers/face.worker.ts', import.meta.url), { type: 'module' }));
export const startPhotoWorker = (): StartedWorker =>
	browserWorker(new Worker(new URL('../../../workers/photo.worker.ts', import.meta.url), { type: 'module' }));
export const startOcrWorker = (): StartedWorker =>
	browserWorker(new Worker(new URL('../../../workers/ocr.worker.ts', import.meta.url), { type: 'module' }));

const frameProbe = createWorkerBridge<FrameProbeApi>({ start: startFrameProbe, idleMs: IDLE_MS });

export const frameProbeWorker = (signal?: AbortSignal): Comlink.Remote<FrameProbeApi> =>
	frameProbe.abortable(signal);

/** The core's rule on this device: whether the anti-spoof network gets a worker of its own. */
export const antiSpoofApartHere = (): boolean =>
	antiSpoofApart({
		cores: navigator.hardwareConcurrency,
		light: lightMode(),
		faceThreads: threads({ cameraLoop: true })
	});
const providerHints = () => ({ light: lightMode(), override: inferenceOverride() });

const face = createWorkerBridge<FaceWorkerApi, FaceWorkerInfo>({
	start: startFaceWorker,
	load: (api, onProgress) =>
		api.init(onProgress, {
			numThreads: threads({ cameraLoop: true }),
			engine: { ...CAMERA_LOOP },
			provider: providerHints(),
			antiSpoof: antiSpoofApartHere() ? 'elsewhere' : 'here'
		})
});

/** The same worker file with the anti-spoof network alone, on one inference thread (the rule's). */
const antiSpoof = createWorkerBridge<FaceWorkerApi, FaceWorkerInfo>({
	start: startFaceWorker,
	load: (api, onProgress) =>
		api.init(onProgress, { numThreads: 1, provider: providerHints(), antiSpoof: 'only' })
});

/**
 * Starts the face worker and loads its models once; progress is reported in bytes over every model file. Calls
 * through `api` still queued when `signal` aborts are dropped (a screen left cancels its work).
 */
export function faceWorker(
	onProgress?: Progress,
	signal?: AbortSignal
): {
	api: Comlink.Remote<FaceWorkerApi>;
	info: Promise<FaceWorkerInfo>;
} {
	return { api: face.abortable(signal), info: face.ready(onProgress) };
}

/**
 * The core's rule (inferenceThreads), with what this page knows of the device and the compatibility check, for a
 * worker that does (the face worker) or does not run beside the camera loop.
 */
export function threads(worker: { cameraLoop: boolean }): number {
	return inferenceThreads({
		...worker,
		isolated: crossOriginIsolated,
		cores: navigator.hardwareConcurrency,
		light: lightMode()
	});
}

export function disposeFaceWorker(): void {
	face.dispose();
	antiSpoof.dispose();
}

/**
 * A live sample with the two networks side by side: the embedding in the face worker, the anti-spoof score in its
 * own worker, the frame copied to each. Without that worker, the face worker's sample() runs both in turn.
 */
export function sampleApart(
	faceApi: Comlink.Remote<FaceWorkerApi>,
	antiSpoofApi: Comlink.Remote<FaceWorkerApi> | null
): LiveSampler {
	if (!antiSpoofApi) return (frame, found, threshold) => faceApi.sample(frame, found, threshold);
	return async (frame, found, threshold) => {
		const [embedding, decision] = await Promise.all([
			faceApi.embed(frame, found),
			antiSpoofApi.liveness(frame, found, threshold)
		]);
		return { embedding, antiSpoof: decision };
	};
}

/**
 * The liveness step's sampler, and when it is ready. Where the rule gives the anti-spoof network a worker of its
 * own, that worker loads after the face worker has (onnxruntime's files then come from the cache, not the network
 * a second time) and before the check may start (a load during the capture would take CPU from the camera loop).
 * If it fails to load, the face worker runs both networks. `onProgress`: the anti-spoof model's bytes.
 */
export function liveSampler(
	signal?: AbortSignal,
	onProgress?: Progress
): { sample: LiveSampler; ready: Promise<void> } {
	const faceApi = face.abortable(signal);
	const antiSpoofApi = (
		antiSpoofApartHere() ? face.ready().then(() => antiSpoof.ready(onProgress)) : Promise.resolve(null)
	).then(
		(loaded) => (loaded ? antiSpoof.abortable(signal) : null),
		(error: unknown) => {
			console.error('the anti-spoof worker failed to load; the face worker runs it', error);
			return null;
		}
	);
	const sampler = antiSpoofApi.then((api) => sampleApart(faceApi, api));
	return {
		sample: async (frame, found, threshold) => (await sampler)(frame, found, threshold),
		ready: sampler.then(() => undefined)
	};
}

/**
 * Photo checks and the processed output photo (the face worker measures the face). Its load is the
 * person-segmentation model, so the processed photo separates the person from any background; without it make()
 * could only replace plain backdrops.
 */
const photo = createWorkerBridge<PhotoWorkerApi, { model: string }>({
	start: startPhotoWorker,
	load: (api, onProgress) => api.init(onProgress),
	idleMs: IDLE_MS
});

export const photoWorker = (signal?: AbortSignal): Comlink.Remote<PhotoWorkerApi> => photo.abortable(signal);

/** The photo worker with its segmentation model loaded (once, with byte progress); a failed load is retried next time. */
export function segmentingPhotoWorker(
	onProgress?: Progress,
	signal?: AbortSignal
): {
	api: Comlink.Remote<PhotoWorkerApi>;
	ready: Promise<{ model: string }>;
} {
	return { api: photo.abortable(signal), ready: photo.ready(onProgress) };
}

const ocr = createWorkerBridge<OcrWorkerApi, { runtime: string }>({
	start: startOcrWorker,
	// The core's thread rule: no camera loop runs beside the card reader.
	load: (api, onProgress) => api.init(onProgress, { numThreads: threads({ cameraLoop: false }) })
});

/** ID card OCR (two models, ~15 MB): loaded once with byte progress, terminated when the ID step ends. */
export function ocrWorker(
	onProgress?: Progress,
	signal?: AbortSignal
): {
	api: Comlink.Remote<OcrWorkerApi>;
	ready: Promise<{ runtime: string }>;
} {
	return { api: ocr.abortable(signal), ready: ocr.ready(onProgress) };
}

export const disposeOcrWorker = (): void => ocr.dispose();

/** Reads one side of the card in the OCR worker; `onStage` hears each step of the reading as it begins. */
export function readCardSide(
	api: Comlink.Remote<OcrWorkerApi>,
	frame: ImageData,
	side: CardSide,
	onStage: (stage: ReadStage) => void
): Promise<WorkerReading> {
	// The frame's pixels move to the worker (a card photo is ~5-50 MB of RGBA): no copy, and the page is done with it.
	return api.read(Comlink.transfer(frame, [frame.data.buffer]), { side }, Comlink.proxy(onStage));
}

/**
 * Starts loading the card reader while the candidate reads the consent screen, once the service worker controls
 * the page (what a worker started before that imports bypasses the service worker's cache and would be downloaded
 * again by the next worker) and the browser is idle, so the first card is read as fast as the next ones. A failed
 * load is not reported here: the ID step loads again and says what failed.
 */
export function warmCardReader(): void {
	const start = () => void ocr.ready().catch(() => undefined);
	void underServiceWorker().then(() => {
		if (typeof requestIdleCallback === 'function') requestIdleCallback(start, { timeout: 2000 });
		else setTimeout(start, 500);
	});
}

/** Resolves once a service worker controls the page, or after WAIT_FOR_CONTROL_MS where none takes over. */
function underServiceWorker(): Promise<void> {
	const container = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
	if (!container || container.controller) return Promise.resolve();
	return new Promise((resolve) => {
		container.addEventListener('controllerchange', () => resolve(), { once: true });
		setTimeout(resolve, WAIT_FOR_CONTROL_MS);
	});
}
const WAIT_FOR_CONTROL_MS = 15_000;
