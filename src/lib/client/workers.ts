// Workers start lazily, on first use, so the shell stays light until a step needs them; the face worker (models
// in memory) is terminated when its step ends, which keeps memory low on phones.
import * as Comlink from 'comlink';
import { inferenceThreads } from '../core/compat/decide.ts';
import { CAMERA_LOOP } from '../core/face/camera-loop.ts';
import { lightMode } from './compat.ts';
import type { FaceWorkerApi, FaceWorkerInfo } from '../../../workers/face.worker.ts';
import type { FrameProbeApi } from '../../../workers/frame-probe.worker.ts';
import type { OcrWorkerApi } from '../../../workers/ocr.worker.ts';
import type { PhotoWorkerApi } from '../../../workers/photo.worker.ts';

let frameProbe: Comlink.Remote<FrameProbeApi> | null = null;

export function frameProbeWorker(): Comlink.Remote<FrameProbeApi> {
	frameProbe ??= Comlink.wrap<FrameProbeApi>(
		new Worker(new URL('../../../workers/frame-probe.worker.ts', import.meta.url), { type: 'module' })
	);
	return frameProbe;
}

let face: { worker: Worker; api: Comlink.Remote<FaceWorkerApi>; info: Promise<FaceWorkerInfo> } | null = null;

/** Starts the face worker and loads its models once; progress is reported in bytes over every model file. */
export function faceWorker(onProgress?: (loaded: number, total: number) => void): {
	api: Comlink.Remote<FaceWorkerApi>;
	info: Promise<FaceWorkerInfo>;
} {
	if (!face) {
		const worker = new Worker(new URL('../../../workers/face.worker.ts', import.meta.url), {
			type: 'module'
		});
		const api = Comlink.wrap<FaceWorkerApi>(worker);
		const info = api.init(onProgress ? Comlink.proxy(onProgress) : undefined, {
			numThreads: threads(),
			engine: { ...CAMERA_LOOP }
		});
		face = { worker, api, info };
		info.catch(() => disposeFaceWorker());
	}
	return face;
}

/** The core's rule (inferenceThreads), with what this page knows of the device and the compatibility check. */
function threads(): number {
	return inferenceThreads({
		isolated: crossOriginIsolated,
		cores: navigator.hardwareConcurrency,
		light: lightMode()
	});
}

export function disposeFaceWorker(): void {
	face?.worker.terminate();
	face = null;
}

let photo: Comlink.Remote<PhotoWorkerApi> | null = null;
let segmentation: Promise<{ model: string }> | null = null;

/** Photo checks and the processed output photo (the face worker measures the face). */
export function photoWorker(): Comlink.Remote<PhotoWorkerApi> {
	photo ??= Comlink.wrap<PhotoWorkerApi>(
		new Worker(new URL('../../../workers/photo.worker.ts', import.meta.url), { type: 'module' })
	);
	return photo;
}

/**
 * The photo worker with its person-segmentation model loaded (once, with byte progress), so the processed photo
 * separates the person from any background; without it make() could only replace plain backdrops. A failed load
 * is forgotten so the next call tries again.
 */
export function segmentingPhotoWorker(onProgress?: (loaded: number, total: number) => void): {
	api: Comlink.Remote<PhotoWorkerApi>;
	ready: Promise<{ model: string }>;
} {
	const api = photoWorker();
	if (!segmentation) {
		const loading = api.init(onProgress ? Comlink.proxy(onProgress) : undefined);
		segmentation = loading;
		loading.catch(() => {
			if (segmentation === loading) segmentation = null;
		});
	}
	return { api, ready: segmentation };
}

let ocr: { worker: Worker; api: Comlink.Remote<OcrWorkerApi>; ready: Promise<{ runtime: string }> } | null =
	null;
/** Who sees the OCR models' download progress now, and the last figure (a screen that attaches late sees it). */
let ocrProgress: { listener?: (loaded: number, total: number) => void; last?: [number, number] } = {};

/**
 * ID card OCR (two models): loaded once with byte progress, terminated when the ID step ends. The worker may
 * already be loading (warmCardReader): a later caller's `onProgress` takes over the progress from there.
 */
export function ocrWorker(onProgress?: (loaded: number, total: number) => void): {
	api: Comlink.Remote<OcrWorkerApi>;
	ready: Promise<{ runtime: string }>;
} {
	if (onProgress) {
		ocrProgress.listener = onProgress;
		if (ocrProgress.last) onProgress(...ocrProgress.last);
	}
	if (!ocr) {
		const worker = new Worker(new URL('../../../workers/ocr.worker.ts', import.meta.url), { type: 'module' });
		const api = Comlink.wrap<OcrWorkerApi>(worker);
		const progress = ocrProgress;
		const report = (loaded: number, total: number) => {
			progress.last = [loaded, total];
			progress.listener?.(loaded, total);
		};
		// The light mode's one thread; otherwise web-ort.ts's default (two when isolated).
		const ready = api.init(Comlink.proxy(report), lightMode() ? { numThreads: 1 } : undefined);
		ocr = { worker, api, ready };
		ready.catch(() => disposeOcrWorker());
	}
	return ocr;
}

/**
 * Starts loading the card reader while the candidate reads the consent screen, once the service worker controls
 * the page (what a worker started before that imports bypasses the service worker's cache and would be downloaded
 * again by the next worker) and the browser is idle, so the first card is read as fast as the next ones. A failed
 * load is not reported here: the ID step loads again and says what failed.
 */
export function warmCardReader(): void {
	const start = () => void ocrWorker().ready.catch(() => undefined);
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

export function disposeOcrWorker(): void {
	ocr?.worker.terminate();
	ocr = null;
	ocrProgress = {};
}
