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
	const out = new Float32Array(outW * outH * 3);
	const { width: w, height: h } = img;
	const d = img.data;
	const sx = box.width / outW;
	const sy = box.height / outH;
	if ((sx <= 1 && sy <= 1) || filter === 'bilinear') {
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
		for (let ox = 0; ox < outW; ox++) {
			const x0 = xa[ox];
			const x1 = xb[ox];
			let r = 0;
			let g = 0;
			let b = 0;
			const n = (yb - ya) * (x1 - x0);
			if (rowsInside && x0 >= 0 && x1 <= w) {
				for (let y = ya; y < yb; y++) {
					let i = (y * w + x0) * 4;
					for (let x = x0; x < x1; x++, i += 4) {
						r += d[i];
						g += d[i + 1];
						b += d[i + 2];
					}
				}
			} else if (x1 <= 0 || x0 >= w || yb <= 0 || ya >= h) {
				// Wholly outside (the detector's letterbox border): the average of `fill` is `fill`.
				r = g = b = fill * n;
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
			const o = (oy * outW + ox) * 3;
			out[o] = r / n;
			out[o + 1] = g / n;
			out[o + 2] = b / n;
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
