// Lands the output JPEG inside the spec's byte window at the highest quality that fits, with the spec's density.
import { readJpegHeader, withJfifDensity } from '../image/jpeg-header.ts';
import type { RgbaImage } from '../image/types.ts';
import type { FileSpec } from './spec.ts';

/** A JPEG encoder the platform provides: MozJPEG (wasm, everywhere), jpeg-js (Node), canvas (browser). */
export interface JpegEncoder {
	readonly name: string;
	encode(image: RgbaImage, quality: number): Promise<Uint8Array>;
}

export interface SizedJpeg {
	bytes: Uint8Array;
	quality: number;
	encoder: string;
	/** Encodes tried by the search (cost of landing in the window). */
	attempts: number;
	/** Whether the size landed inside [minBytes, maxBytes]. */
	inWindow: boolean;
}

/** Around the qualities that land near 40 kB, a 480x640 photo's JPEG grows by roughly 4% per quality step. */
const LOG_SIZE_PER_STEP = 0.04;

/**
 * Finds the highest integer quality whose file (density segment included) is at most maxBytes. Size grows with
 * quality almost monotonically, so it keeps a bracket [best that fits, lowest that does not] and guesses inside it
 * from log-size: with one side known it extrapolates with the typical slope, with both it interpolates (every other
 * step halving instead, so a skewed curve cannot stall it). It usually needs 3-4 encodes where bisection needs 7.
 */
export async function encodeWithinSize(
	image: RgbaImage,
	encoder: JpegEncoder,
	file: FileSpec,
	startQuality = 85
): Promise<SizedJpeg> {
	let fit: { bytes: Uint8Array; quality: number } | null = null;
	let over: { bytes: Uint8Array; quality: number } | null = null;
	let attempts = 0;
	let q = startQuality;
	let last = 0;
	for (;;) {
		const encoded = await encoder.encode(image, q);
		// An encoder that fails quietly (a wasm build returning a stub) must not pass as "small enough".
		const header = readJpegHeader(encoded);
		if (!header || header.width !== image.width || header.height !== image.height)
			throw new Error(
				`${encoder.name} produced no valid ${image.width}x${image.height} JPEG at quality ${q}`
			);
		const bytes = withJfifDensity(encoded, file.dpi);
		attempts++;
		last = bytes.length;
		if (bytes.length <= file.maxBytes) {
			if (!fit || q > fit.quality) fit = { bytes, quality: q };
		} else if (!over || q < over.quality) over = { bytes, quality: q };
		const lo = fit?.quality ?? 0;
		const hi = over?.quality ?? 101;
		if (hi - lo <= 1) break;
		const target = Math.log(file.maxBytes * 0.995);
		if (fit && over && attempts % 2 === 0) q = Math.round((lo + hi) / 2);
		else if (fit && over) {
			const a = Math.log(fit.bytes.length);
			const b = Math.log(over.bytes.length);
			q = Math.floor(lo + ((target - a) / (b - a)) * (hi - lo));
		} else {
			// One side known: extrapolate from the last size; stepping one quality past the estimate closes the bracket.
			const steps = (target - Math.log(last)) / LOG_SIZE_PER_STEP;
			q = q + (steps > 0 ? Math.max(1, Math.floor(steps)) : Math.min(-1, Math.floor(steps)));
		}
		q = Math.min(hi - 1, Math.max(lo + 1, q));
	}
	const pick = fit ?? over!;
	return {
		bytes: pick.bytes,
		quality: pick.quality,
		encoder: encoder.name,
		attempts,
		inWindow: pick.bytes.length >= file.minBytes && pick.bytes.length <= file.maxBytes
	};
}
