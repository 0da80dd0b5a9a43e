// One-pass resampling straight into model inputs. The generic image ops build intermediate RGBA images per step
// (crop, halve, resize, then pack); in the camera loop that cost as much as the networks themselves, so the face
// pipeline samples a source region directly into float RGB or grey.
import type { Box, RgbaImage } from '../image/types.ts';

/**
 * Samples `box` of `img` onto an outW x outH grid as interleaved RGB floats (0..255). Shrinking averages every
 * source pixel under the output pixel (no aliasing); enlarging interpolates bilinearly. Outside the image: `fill`.
 * `filter: 'bilinear'` also shrinks bilinearly (OpenCV's INTER_LINEAR, aliasing included), for models trained on
 * such crops whose cue is fine texture (the anti-spoof model).
 */
export function sampleRegion(
	img: RgbaImage,
	box: Box,
	outW: number,
	outH: number,
	fill = 0,
	filter: 'area' | 'bilinear' = 'area'
): Float32Array {
	const { width: w, height: h } = img;
	const d = img.data;
	const sx = box.width / outW;
	const sy = box.height / outH;
	if ((sx <= 1 && sy <= 1) || filter === 'bilinear') {
		const out = new Float32Array(outW * outH * 3);
		for (let oy = 0; oy < outH; oy++) {
			const fy = box.y + (oy + 0.5) * sy - 0.5;
			const y0 = Math.floor(fy);
			const ty = fy - y0;
			for (let ox = 0; ox < outW; ox++) {
				const fx = box.x + (ox + 0.5) * sx - 0.5;
				const x0 = Math.floor(fx);
				const tx = fx - x0;
				const o = (oy * outW + ox) * 3;
				if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) {
					out[o] = out[o + 1] = out[o + 2] = fill;
					continue;
				}
				const xa = Math.min(Math.max(x0, 0), w - 1);
				const xb = Math.min(Math.max(x0 + 1, 0), w - 1);
				const ya = Math.min(Math.max(y0, 0), h - 1);
				const yb = Math.min(Math.max(y0 + 1, 0), h - 1);
				const i00 = (ya * w + xa) * 4;
				const i01 = (ya * w + xb) * 4;
				const i10 = (yb * w + xa) * 4;
				const i11 = (yb * w + xb) * 4;
				for (let c = 0; c < 3; c++) {
					const top = d[i00 + c] + (d[i01 + c] - d[i00 + c]) * tx;
					const bottom = d[i10 + c] + (d[i11 + c] - d[i10 + c]) * tx;
					out[o + c] = top + (bottom - top) * ty;
				}
			}
		}
		return out;
	}
	return areaSample(img, box, outW, outH, fill, null);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A planar model input: channel order, and each value stored as (v - mean) / std. */
export interface PlanarInput {
	order: 'rgb' | 'bgr';
	mean: number;
	std: number;
}

/**
 * The area average of `box` on an outW x outH grid (each output pixel the mean of the source pixels under it;
 * outside the image: `fill`), stored interleaved RGB (0..255), or with `planar` straight into a planar tensor with
 * the values rgbToChw would give the interleaved ones, bit for bit.
 */
export function areaSample(
	img: RgbaImage,
	box: Box,
	outW: number,
	outH: number,
	fill: number,
	planar: PlanarInput | null
): Float32Array {
	const { width: w, height: h, data: d } = img;
	const sx = box.width / outW;
	const sy = box.height / outH;
	const n = outW * outH;
	const out = new Float32Array(3 * n);
	const mean = planar?.mean ?? 0;
	const inv = planar ? 1 / planar.std : 1;
	const pr = planar?.order === 'bgr' ? 2 * n : 0;
	const pb = planar?.order === 'bgr' ? 0 : 2 * n;
	// One 32-bit read per pixel where the pixels are word-aligned (RGBA little-endian); integer sums either way.
	const words =
		d.byteOffset % 4 === 0 && LITTLE_ENDIAN ? new Uint32Array(d.buffer, d.byteOffset, w * h) : null;
	// Column footprints are the same on every row: compute them once.
	const xa = new Int32Array(outW);
	const xb = new Int32Array(outW);
	for (let ox = 0; ox < outW; ox++) {
		xa[ox] = Math.floor(box.x + ox * sx);
		xb[ox] = Math.max(xa[ox] + 1, Math.floor(box.x + (ox + 1) * sx));
	}
	for (let oy = 0; oy < outH; oy++) {
		const ya = Math.floor(box.y + oy * sy);
		const yb = Math.max(ya + 1, Math.floor(box.y + (oy + 1) * sy));
		const rowsInside = ya >= 0 && yb <= h;
		const rowsOutside = yb <= 0 || ya >= h;
		for (let ox = 0; ox < outW; ox++) {
			const x0 = xa[ox];
			const x1 = xb[ox];
			let r = 0;
			let g = 0;
			let b = 0;
			const count = (yb - ya) * (x1 - x0);
			if (rowsInside && x0 >= 0 && x1 <= w && words) {
				for (let y = ya; y < yb; y++) {
					for (let i = y * w + x0, end = y * w + x1; i < end; i++) {
						const v = words[i];
						r += v & 255;
						g += (v >>> 8) & 255;
						b += (v >>> 16) & 255;
					}
				}
			} else if (rowsInside && x0 >= 0 && x1 <= w) {
				for (let y = ya; y < yb; y++) {
					let i = (y * w + x0) * 4;
					for (let x = x0; x < x1; x++, i += 4) {
						r += d[i];
						g += d[i + 1];
						b += d[i + 2];
					}
				}
			} else if (rowsOutside || x1 <= 0 || x0 >= w) {
				// Wholly outside (the detector's letterbox border): the average of `fill` is `fill`.
				r = g = b = fill * count;
			} else {
				for (let y = ya; y < yb; y++) {
					for (let x = x0; x < x1; x++) {
						if (y < 0 || y >= h || x < 0 || x >= w) {
							r += fill;
							g += fill;
							b += fill;
						} else {
							const i = (y * w + x) * 4;
							r += d[i];
							g += d[i + 1];
							b += d[i + 2];
						}
					}
				}
			}
			const p = oy * outW + ox;
			if (planar) {
				// Rounded to float32 first, as the interleaved buffer stores it before rgbToChw reads it.
				out[pr + p] = (Math.fround(r / count) - mean) * inv;
				out[n + p] = (Math.fround(g / count) - mean) * inv;
				out[pb + p] = (Math.fround(b / count) - mean) * inv;
			} else {
				out[p * 3] = r / count;
				out[p * 3 + 1] = g / count;
				out[p * 3 + 2] = b / count;
			}
		}
	}
	return out;
}

/** Interleaved RGB (0..255) -> planar NCHW floats, (v - mean) / std, in the channel order the model wants. */
export function rgbToChw(
	rgb: Float32Array,
	order: 'rgb' | 'bgr',
	mean: number | readonly [number, number, number],
	std: number | readonly [number, number, number]
): Float32Array {
	const n = rgb.length / 3;
	const out = new Float32Array(rgb.length);
	const m = typeof mean === 'number' ? [mean, mean, mean] : mean;
	const s = typeof std === 'number' ? [std, std, std] : std;
	for (let p = 0; p < 3; p++) {
		const c = order === 'rgb' ? p : 2 - p;
		const mp = m[p];
		const inv = 1 / s[p];
		const base = p * n;
		for (let i = 0; i < n; i++) out[base + i] = (rgb[i * 3 + c] - mp) * inv;
	}
	return out;
}

/** Interleaved RGB -> BT.601 grey (0..255) times `scale`. */
export function rgbToGray(rgb: Float32Array, scale = 1): Float32Array {
	const n = rgb.length / 3;
	const out = new Float32Array(n);
	for (let i = 0; i < n; i++)
		out[i] = (0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2]) * scale;
	return out;
}
