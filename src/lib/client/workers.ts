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

/** ID card OCR (two models, ~15 MB): loaded once with byte progress, terminated when the ID step ends. */
export function ocrWorker(onProgress?: (loaded: number, total: number) => void): {
	api: Comlink.Remote<OcrWorkerApi>;
	ready: Promise<{ runtime: string }>;
} {
	if (!ocr) {
		const worker = new Worker(new URL('../../../workers/ocr.worker.ts', import.meta.url), { type: 'module' });
		const api = Comlink.wrap<OcrWorkerApi>(worker);
		// The light mode's one thread; otherwise web-ort.ts's default (two when isolated).
		const ready = api.init(
			onProgress ? Comlink.proxy(onProgress) : undefined,
			lightMode() ? { numThreads: 1 } : undefined
		);
		ocr = { worker, api, ready };
		ready.catch(() => disposeOcrWorker());
	}
	return ocr;
}

export function disposeOcrWorker(): void {
	ocr?.worker.terminate();
	ocr = null;
}
