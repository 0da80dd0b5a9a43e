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
 * Binary search over integer quality 1..100 for the highest quality whose file (density segment included) is at
 * most maxBytes. Size grows with quality almost monotonically; the search keeps the best fitting result it saw,
 * so an occasional non-monotonic step cannot make it return an oversized file.
 */
export async function encodeWithinSize(
	image: RgbaImage,
	encoder: JpegEncoder,
	file: FileSpec
): Promise<SizedJpeg> {
	let lo = 1;
	let hi = 100;
	let best: { bytes: Uint8Array; quality: number } | null = null;
	let smallest: { bytes: Uint8Array; quality: number } | null = null;
	let attempts = 0;
	while (lo <= hi) {
		const q = Math.floor((lo + hi) / 2);
		const bytes = withJfifDensity(await encoder.encode(image, q), file.dpi);
		attempts++;
		if (!smallest || bytes.length < smallest.bytes.length) smallest = { bytes, quality: q };
		if (bytes.length <= file.maxBytes) {
			if (!best || q > best.quality) best = { bytes, quality: q };
			lo = q + 1;
		} else hi = q - 1;
	}
	const pick = best ?? smallest!;
	return {
		bytes: pick.bytes,
		quality: pick.quality,
		encoder: encoder.name,
		attempts,
		inWindow: pick.bytes.length >= file.minBytes && pick.bytes.length <= file.maxBytes
	};
}
