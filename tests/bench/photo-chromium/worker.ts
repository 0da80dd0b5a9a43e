// Runs inside a dedicated Worker in headless Chromium: the same core and browser adapters the phone uses
// (onnxruntime-web through web-ort, MozJPEG wasm, the canvas encoder) on fixture portraits, timed per stage.
import { createFaceEngine } from '../../../src/lib/core/face/engine.ts';
import { ssim } from '../../../src/lib/core/image/ssim.ts';
import { encodeWithinSize } from '../../../src/lib/core/photo/encode.ts';
import { makePhoto } from '../../../src/lib/core/photo/pipeline.ts';
import { decodeJpeg } from '../../../src/lib/core/photo/recheck.ts';
import { createPersonSegmenter } from '../../../src/lib/core/photo/segment-model.ts';
import { hubeiPhotoSpec as spec } from '../../../src/lib/core/photo/spec.ts';
import { createWebRuntime } from '../../../src/lib/runtime/web-ort.ts';
import { canvasEncoder, webMozjpegEncoder } from '../../../src/lib/runtime/web-photo.ts';

async function load(url: string): Promise<ImageData> {
	const bitmap = await createImageBitmap(await (await fetch(url)).blob());
	const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
	const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
	ctx.drawImage(bitmap, 0, 0);
	return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

self.onmessage = async (event: MessageEvent<{ files: string[] }>) => {
	try {
		const runtime = createWebRuntime();
		const engine = createFaceEngine(runtime);
		const segmenter = createPersonSegmenter(runtime);
		let t = performance.now();
		await engine.warmUp();
		await runtime.load('photo.segment');
		const loadMs = performance.now() - t;
		const rows = [];
		for (const [k, url] of event.data.files.entries()) {
			const image = await load(url);
			t = performance.now();
			const measurement = await engine.measure(image);
			const measureMs = performance.now() - t;
			t = performance.now();
			const mask = await segmenter.segment(image);
			const segmentMs = performance.now() - t;
			t = performance.now();
			// The worker's default encoder (workers/photo.worker.ts): the browser's own.
			const made = await makePhoto({ image, measurement, spec, encoder: canvasEncoder, mask });
			const makeMs = performance.now() - t;
			const encoders = [];
			if (made.image)
				for (const encoder of [webMozjpegEncoder, canvasEncoder]) {
					t = performance.now();
					const sized = await encodeWithinSize(made.image, encoder, spec.file);
					encoders.push({
						encoder: encoder.name,
						bytes: sized.bytes.length,
						quality: sized.quality,
						attempts: sized.attempts,
						ssim: ssim(made.image, decodeJpeg(sized.bytes)),
						ms: performance.now() - t
					});
				}
			rows.push({
				file: url.split('/').pop(),
				// the first photo pays wasm compilation (MozJPEG) once: reported, kept out of the medians
				warm: k > 0,
				ok: made.ok,
				reasons: made.reasons.map((r) => r.code),
				measureMs,
				segmentMs,
				makeMs,
				totalMs: measureMs + segmentMs + makeMs,
				encoders
			});
		}
		self.postMessage({ ok: true, loadMs, threads: crossOriginIsolated ? 2 : 1, rows });
	} catch (error) {
		self.postMessage({
			ok: false,
			error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error)
		});
	}
};
