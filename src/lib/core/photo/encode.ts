// Lands the output JPEG inside the spec's byte window at the highest quality that fits, with the spec's density.
import { withJfifDensity } from '../image/jpeg-header.ts';
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

/**
 * Finds the highest integer quality whose file (density segment included) is at most maxBytes. Size grows with
 * quality almost monotonically, so it keeps a bracket [best that fits, lowest that does not] and guesses inside it
 * by interpolating the sizes (secant), every other step halving instead so a skewed curve cannot stall it. Starting
 * at q=85 (where 480x640 portraits land near 40 kB) it usually needs 3-5 encodes where a plain bisection needs 7.
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
	for (;;) {
		const bytes = withJfifDensity(await encoder.encode(image, q), file.dpi);
		attempts++;
		if (bytes.length <= file.maxBytes) {
			if (!fit || q > fit.quality) fit = { bytes, quality: q };
		} else if (!over || q < over.quality) over = { bytes, quality: q };
		const lo = fit?.quality ?? 0;
		const hi = over?.quality ?? 101;
		if (hi - lo <= 1) break;
		if (fit && over && attempts % 2 === 1) {
			const t = (file.maxBytes - fit.bytes.length) / (over.bytes.length - fit.bytes.length);
			q = Math.round(lo + t * (hi - lo));
		} else if (fit && over) q = Math.round((lo + hi) / 2);
		else if (fit) q = Math.min(100, q + 6);
		else q = Math.max(1, q - 12);
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
