// The photo step off the main thread: checks, the processed output photo and encoder comparison, over the pure
// core. The face measurement comes from the face worker (one copy of the face models per page); this worker holds
// only the person-segmentation model (photo.segment through onnxruntime-web, loaded by init(), which the phone's
// photo step awaits: src/lib/client/workers.ts segmentingPhotoWorker) and, when MozJPEG is used, its wasm, compiled
// once and reused. Without the model make() can only replace a plain backdrop (the colour-region mask).
import * as Comlink from 'comlink';
import type { FaceMeasurement } from '../src/lib/core/face/types.ts';
import { ssim } from '../src/lib/core/image/ssim.ts';
import { checkPhotoContent } from '../src/lib/core/photo/checks.ts';
import { encodeWithinSize } from '../src/lib/core/photo/encode.ts';
import { checkUploadFile } from '../src/lib/core/photo/file-checks.ts';
import { makePhoto, type MadePhoto } from '../src/lib/core/photo/pipeline.ts';
import { combine, type PhotoVerdict } from '../src/lib/core/photo/reasons.ts';
import { decodeJpeg } from '../src/lib/core/photo/recheck.ts';
import type { PhotoSpec } from '../src/lib/core/photo/spec.ts';
import {
	createPersonSegmenter,
	SEGMENT_MODEL_ID,
	type PersonSegmenter
} from '../src/lib/core/photo/segment-model.ts';
import { createWebRuntime } from '../src/lib/runtime/web-ort.ts';
import { canvasEncoder, webMozjpegEncoder } from '../src/lib/runtime/web-photo.ts';

let segmenter: PersonSegmenter | null = null;

/**
 * The browser's own encoder where it exists: in headless Chromium it scored higher SSIM than MozJPEG at the same
 * byte ceiling on 11 of 12 portraits and searched quality ~2.5x faster (bench/out/photo.json); MozJPEG (the same
 * bytes on every device) remains for browsers without OffscreenCanvas.convertToBlob.
 */
function defaultEncoder() {
	return typeof OffscreenCanvas !== 'undefined' && 'convertToBlob' in OffscreenCanvas.prototype
		? canvasEncoder
		: webMozjpegEncoder;
}

export interface EncoderComparison {
	encoder: string;
	bytes: number;
	quality: number;
	ssim: number;
	ms: number;
}

const api = {
	/** Loads and verifies the segmentation model (about 0.4 MB); progress in bytes. */
	async init(onProgress?: (loaded: number, total: number) => void): Promise<{ model: string; ms: number }> {
		const started = performance.now();
		const runtime = createWebRuntime({ onProgress });
		await runtime.load(SEGMENT_MODEL_ID);
		segmenter = createPersonSegmenter(runtime);
		return { model: SEGMENT_MODEL_ID, ms: performance.now() - started };
	},

	/**
	 * Content checks of a frame or picked photo (plus file rules when the original file's bytes are given); with
	 * `faceMatch`, the photo's face similarity to the face it is compared with, judged at spec.minFaceMatch.
	 */
	check(
		frame: ImageData,
		measurement: FaceMeasurement,
		spec: PhotoSpec,
		fileBytes?: Uint8Array,
		faceMatch?: number
	): PhotoVerdict {
		const content = checkPhotoContent(frame, measurement, spec, { faceMatch });
		return fileBytes ? combine([checkUploadFile(fileBytes, spec), content]) : content;
	},

	/** The output photo and its report; the JPEG bytes are transferred, not copied. */
	async make(
		frame: ImageData,
		measurement: FaceMeasurement,
		spec: PhotoSpec,
		faceMatch?: number,
		encoderName?: 'canvas' | 'mozjpeg'
	): Promise<MadePhoto & { ms: number }> {
		const started = performance.now();
		const mask = segmenter ? await segmenter.segment(frame) : undefined;
		const encoder =
			encoderName === 'mozjpeg'
				? webMozjpegEncoder
				: encoderName === 'canvas'
					? canvasEncoder
					: defaultEncoder();
		const made = await makePhoto({
			image: frame,
			measurement,
			spec,
			encoder,
			faceMatch,
			mask
		});
		const result = { ...made, ms: performance.now() - started };
		return made.bytes ? Comlink.transfer(result, [made.bytes.buffer]) : result;
	},

	/** Benchmark: MozJPEG vs the browser's encoder on the same output, each searched into the byte window. */
	async compareEncoders(output: ImageData, spec: PhotoSpec): Promise<EncoderComparison[]> {
		const rows: EncoderComparison[] = [];
		for (const encoder of [webMozjpegEncoder, canvasEncoder]) {
			const t = performance.now();
			const sized = await encodeWithinSize(output, encoder, spec.file);
			const ms = performance.now() - t;
			rows.push({
				encoder: encoder.name,
				bytes: sized.bytes.length,
				quality: sized.quality,
				ssim: ssim(output, decodeJpeg(sized.bytes)),
				ms
			});
		}
		return rows;
	}
};

export type PhotoWorkerApi = typeof api;
Comlink.expose(api);
