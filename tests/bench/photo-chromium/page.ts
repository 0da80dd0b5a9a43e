// Drives the shipped workers/photo.worker.ts through comlink in the page, as the app does: init() (model through
// web-ort), then make() on a fixture frame with the face measurement Node's face engine took of the same image.
import * as Comlink from 'comlink';
import type { FaceMeasurement } from '../../../src/lib/core/face/types.ts';
import type { PhotoWorkerApi } from '../../../workers/photo.worker.ts';
import { resolvePolicy } from '../../../src/lib/core/policy/resolve.ts';

async function frame(url: string): Promise<ImageData> {
	const bitmap = await createImageBitmap(await (await fetch(url)).blob());
	const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
	const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
	ctx.drawImage(bitmap, 0, 0);
	return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

(globalThis as unknown as { runPhotoWorker: unknown }).runPhotoWorker = async (
	url: string,
	measurement: FaceMeasurement
) => {
	const worker = new Worker('/bench/photo.worker.js', { type: 'module' });
	const api = Comlink.wrap<PhotoWorkerApi>(worker);
	try {
		const init = await api.init();
		const image = await frame(url);
		const made = await api.make(image, measurement, resolvePolicy('hubei').photoSpec!);
		return {
			init,
			ok: made.ok,
			reasons: made.reasons.map((r) => r.code),
			bytes: made.bytes?.length ?? null,
			segmentation: made.measures.segmentation,
			encoder: made.measures.encoder,
			ms: made.ms
		};
	} finally {
		worker.terminate();
	}
};
