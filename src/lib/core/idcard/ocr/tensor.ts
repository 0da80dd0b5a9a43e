// Straight from the rectified card's RGBA bytes to the models' planar BGR float input, in one pass per output
// pixel with typed arrays and precomputed sample positions: no intermediate crop or resized RGBA image, no
// per-pixel function calls (those copies cost more than the detector itself in a browser worker).
import type { Box, RgbaImage } from '../../image/types.ts';

/** Per-plane (B, G, R) normalisation: value' = (value - mean) / std. */
export interface PlaneNorm {
	mean: readonly [number, number, number];
	std: readonly [number, number, number];
}

/** Where output pixel i samples along one axis: two source indices and the weight of the second. */
interface Taps {
	i0: Int32Array;
	i1: Int32Array;
	f: Float32Array;
	/** Bit 1: i0 lies inside the source image, bit 2: i1 does (outside taps read paper white). */
	inside: Uint8Array;
}

/**
 * Bilinear taps mapping `n` output pixels onto the source span [start, start + span) with pixel-centre alignment,
 * clamped to that span (like sampling a crop of it) and marked outside where the span leaves [0, limit).
 */
function taps(n: number, start: number, span: number, limit: number): Taps {
	const i0 = new Int32Array(n);
	const i1 = new Int32Array(n);
	const f = new Float32Array(n);
	const inside = new Uint8Array(n);
	const scale = span / n;
	const lo = start;
	const hi = start + span - 1;
	for (let i = 0; i < n; i++) {
		const u = Math.min(Math.max(start + (i + 0.5) * scale - 0.5, lo), hi);
		const a = Math.floor(u);
		const b = Math.min(a + 1, hi);
		const frac = u - a;
		// Outside the image: paper white, as a crop past the card's edge is filled.
		inside[i] = (a >= 0 && a < limit ? 1 : 0) | (b >= 0 && b < limit ? 2 : 0);
		i0[i] = Math.min(Math.max(a, 0), limit - 1);
		i1[i] = Math.min(Math.max(b, 0), limit - 1);
		f[i] = frac;
	}
	return { i0, i1, f, inside };
}

/**
 * Samples `region` of `img` (bilinear, clamped to the region) into a w x h window of a planar BGR tensor:
 * plane p of the window starts at `offset + p * planeStride`, rows are `rowStride` apart.
 * When shrinking by 2x or more the region is box-averaged over 2x2 first, so thin strokes do not alias away.
 */
export function sampleIntoChw(
	img: RgbaImage,
	region: Box,
	w: number,
	h: number,
	norm: PlaneNorm,
	dst: Float32Array,
	offset: number,
	rowStride: number,
	planeStride: number
): void {
	const x0 = Math.round(region.x);
	const y0 = Math.round(region.y);
	const rw = Math.max(1, Math.round(region.width));
	const rh = Math.max(1, Math.round(region.height));
	const tx = taps(w, x0, rw, img.width);
	const ty = taps(h, y0, rh, img.height);
	const d = img.data;
	const stride = img.width * 4;
	const averaged = rw >= 2 * w && rh >= 2 * h;
	// BGR planes: source channel 2, 1, 0.
	const mB = norm.mean[0];
	const mG = norm.mean[1];
	const mR = norm.mean[2];
	const sB = 1 / norm.std[0];
	const sG = 1 / norm.std[1];
	const sR = 1 / norm.std[2];
	for (let y = 0; y < h; y++) {
		const fy = ty.f[y];
		const rowA = ty.i0[y] * stride;
		const rowB = ty.i1[y] * stride;
		const out = offset + y * rowStride;
		for (let x = 0; x < w; x++) {
			let r: number;
			let g: number;
			let b: number;
			if (ty.inside[y] !== 3 || tx.inside[x] !== 3) {
				// At the image's edge: each tap reads white where it lies outside.
				const fx = tx.f[x];
				const tap = (row: number, rowIn: boolean, col: number, colIn: boolean, c: number) =>
					rowIn && colIn ? d[row + col * 4 + c] : 255;
				const r0 = (ty.inside[y] & 1) === 1;
				const r1 = (ty.inside[y] & 2) === 2;
				const c0 = (tx.inside[x] & 1) === 1;
				const c1 = (tx.inside[x] & 2) === 2;
				const mix = (c: number) => {
					const top = tap(rowA, r0, tx.i0[x], c0, c) * (1 - fx) + tap(rowA, r0, tx.i1[x], c1, c) * fx;
					const bot = tap(rowB, r1, tx.i0[x], c0, c) * (1 - fx) + tap(rowB, r1, tx.i1[x], c1, c) * fx;
					return top + (bot - top) * fy;
				};
				r = mix(0);
				g = mix(1);
				b = mix(2);
			} else if (averaged) {
				const p = rowA + tx.i0[x] * 4;
				const q = rowB + tx.i0[x] * 4;
				const p1 = rowA + tx.i1[x] * 4;
				const q1 = rowB + tx.i1[x] * 4;
				r = (d[p] + d[q] + d[p1] + d[q1]) * 0.25;
				g = (d[p + 1] + d[q + 1] + d[p1 + 1] + d[q1 + 1]) * 0.25;
				b = (d[p + 2] + d[q + 2] + d[p1 + 2] + d[q1 + 2]) * 0.25;
			} else {
				const fx = tx.f[x];
				const a = rowA + tx.i0[x] * 4;
				const a1 = rowA + tx.i1[x] * 4;
				const c = rowB + tx.i0[x] * 4;
				const c1 = rowB + tx.i1[x] * 4;
				const topR = d[a] + (d[a1] - d[a]) * fx;
				const botR = d[c] + (d[c1] - d[c]) * fx;
				const topG = d[a + 1] + (d[a1 + 1] - d[a + 1]) * fx;
				const botG = d[c + 1] + (d[c1 + 1] - d[c + 1]) * fx;
				const topB = d[a + 2] + (d[a1 + 2] - d[a + 2]) * fx;
				const botB = d[c + 2] + (d[c1 + 2] - d[c + 2]) * fx;
				r = topR + (botR - topR) * fy;
				g = topG + (botG - topG) * fy;
				b = topB + (botB - topB) * fy;
			}
			const o = out + x;
			dst[o] = (b - mB) * sB;
			dst[o + planeStride] = (g - mG) * sG;
			dst[o + 2 * planeStride] = (r - mR) * sR;
		}
	}
}
