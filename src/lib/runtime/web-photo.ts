// Browser side of the photo pipeline: MozJPEG (wasm, bundled by Vite as a same-origin asset and compiled once, on
// first use) and the browser's own encoder through OffscreenCanvas, the two compared in the benchmark.
import encodeMozjpeg, { init as initMozjpeg } from '@jsquash/jpeg/encode.js';
import mozjpegWasmUrl from '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm?url';
import type { RgbaImage } from '../core/image/types.ts';
import type { JpegEncoder } from '../core/photo/encode.ts';

let ready: Promise<void> | null = null;

function initOnce(): Promise<void> {
	ready ??= WebAssembly.compileStreaming(fetch(mozjpegWasmUrl)).then((module) => initMozjpeg(module));
	return ready;
}

function toImageData(image: RgbaImage): ImageData {
	const data =
		image.data instanceof Uint8ClampedArray
			? image.data
			: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
	return new ImageData(data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);
}

/** Same settings as Node's (runtime/node-photo.ts): baseline, Annex K tables, optimised Huffman, trellis on. */
export const webMozjpegEncoder: JpegEncoder = {
	name: 'mozjpeg@@jsquash/jpeg-1.6.0 (baseline, Annex K tables)',
	async encode(image: RgbaImage, quality: number) {
		await initOnce();
		const buffer = await encodeMozjpeg(toImageData(image), {
			quality,
			progressive: false,
			baseline: true,
			optimize_coding: true,
			quant_table: 0
		});
		return new Uint8Array(buffer);
	}
};

/** The browser's encoder (libjpeg-turbo in Chromium) via OffscreenCanvas; quality 1..100 maps to 0..1. */
export const canvasEncoder: JpegEncoder = {
	name: 'canvas image/jpeg',
	async encode(image: RgbaImage, quality: number) {
		const canvas = new OffscreenCanvas(image.width, image.height);
		const ctx = canvas.getContext('2d');
		if (!ctx) throw new Error('OffscreenCanvas 2d context unavailable');
		ctx.putImageData(toImageData(image), 0, 0);
		const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: quality / 100 });
		return new Uint8Array(await blob.arrayBuffer());
	}
};
