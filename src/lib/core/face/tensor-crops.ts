// The two crops of a liveness sample written straight into the models' planar float input, in one pass each.
// They compute exactly the values of the generic path they replace (warpAffine -> toChwTensor for the aligned
// embedding crop; sampleRegion('bilinear') -> rgbToChw for the anti-spoof crop), bit for bit, so embeddings and
// scores do not move; tests/unit/face/tensor-crops.test.ts holds them to that. They exist because the generic
// path made a function call per pixel and channel and an intermediate image per step: ~2 ms of a sample that
// must fit in 30 ms (models/notes/face.md, "sample() speed").
import type { Box, RgbaImage } from '../image/types.ts';
import { areaSample } from './sample.ts';

export type ChannelOrder = 'rgb' | 'bgr';

/**
 * Warps with `inverse` (output pixel -> source coordinates, clamped to the edge, bilinear) into a size x size
 * planar tensor, (v - mean) / std, where v is the sample rounded to a byte as the RGBA warp stored it.
 */
export function warpToChw(
	img: RgbaImage,
	inverse: readonly number[],
	size: number,
	order: ChannelOrder,
	mean: number,
	std: number
): Float32Array {
	const [a, b, c, d, e, f] = inverse;
	const { width: w, height: h, data } = img;
	const n = size * size;
	// Byte planes in the model's channel order: the store rounds and clamps exactly as the RGBA image did.
	const bytes = new Uint8ClampedArray(3 * n);
	const pr = order === 'rgb' ? 0 : 2 * n;
	const pb = order === 'rgb' ? 2 * n : 0;
	const wMax = w - 1;
	const hMax = h - 1;
	for (let y = 0; y < size; y++) {
		// a * x + b * y + c in that order: the generic warp's rounding, so the same taps.
		const by = b * y;
		const ey = e * y;
		for (let x = 0; x < size; x++) {
			const cx = Math.min(Math.max(a * x + by + c, 0), wMax);
			const cy = Math.min(Math.max(d * x + ey + f, 0), hMax);
			const x0 = Math.floor(cx);
			const y0 = Math.floor(cy);
			const fx = cx - x0;
			const fy = cy - y0;
			const gx = 1 - fx;
			const gy = 1 - fy;
			const i00 = (y0 * w + x0) * 4;
			const i01 = x0 < wMax ? i00 + 4 : i00;
			const i10 = y0 < hMax ? i00 + w * 4 : i00;
			const i11 = x0 < wMax ? i10 + 4 : i10;
			const o = y * size + x;
			bytes[pr + o] = (data[i00] * gx + data[i01] * fx) * gy + (data[i10] * gx + data[i11] * fx) * fy;
			bytes[n + o] =
				(data[i00 + 1] * gx + data[i01 + 1] * fx) * gy + (data[i10 + 1] * gx + data[i11 + 1] * fx) * fy;
			bytes[pb + o] =
				(data[i00 + 2] * gx + data[i01 + 2] * fx) * gy + (data[i10 + 2] * gx + data[i11 + 2] * fx) * fy;
		}
	}
	const out = new Float32Array(3 * n);
	for (let i = 0; i < out.length; i++) out[i] = (bytes[i] - mean) / std;
	return out;
}

/**
 * Samples `box` bilinearly (no pre-filter, OpenCV INTER_LINEAR) onto outW x outH, straight into a planar tensor
 * (v - mean) / std; outside the image: `fill`. The same values as sampleRegion(..., 'bilinear') then rgbToChw.
 */
export function bilinearToChw(
	img: RgbaImage,
	box: Box,
	outW: number,
	outH: number,
	order: ChannelOrder,
	mean: number,
	std: number,
	fill = 0
): Float32Array {
	const { width: w, height: h, data: d } = img;
	const n = outW * outH;
	const out = new Float32Array(3 * n);
	const sx = box.width / outW;
	const sy = box.height / outH;
	const inv = 1 / std;
	// Plane p reads source channel src[p].
	const r = order === 'rgb' ? 0 : 2 * n;
	const bl = order === 'rgb' ? 2 * n : 0;
	const blank = (Math.fround(fill) - mean) * inv;
	// Column taps are the same on every row.
	const xa = new Int32Array(outW);
	const xb = new Int32Array(outW);
	const tx = new Float64Array(outW);
	const outside = new Uint8Array(outW);
	for (let ox = 0; ox < outW; ox++) {
		const fx = box.x + (ox + 0.5) * sx - 0.5;
		const x0 = Math.floor(fx);
		tx[ox] = fx - x0;
		outside[ox] = x0 < -1 || x0 >= w ? 1 : 0;
		xa[ox] = Math.min(Math.max(x0, 0), w - 1) * 4;
		xb[ox] = Math.min(Math.max(x0 + 1, 0), w - 1) * 4;
	}
	for (let oy = 0; oy < outH; oy++) {
		const fy = box.y + (oy + 0.5) * sy - 0.5;
		const y0 = Math.floor(fy);
		const ty = fy - y0;
		const rowOutside = y0 < -1 || y0 >= h;
		const ra = Math.min(Math.max(y0, 0), h - 1) * w * 4;
		const rb = Math.min(Math.max(y0 + 1, 0), h - 1) * w * 4;
		for (let ox = 0; ox < outW; ox++) {
			const o = oy * outW + ox;
			if (rowOutside || outside[ox]) {
				out[r + o] = out[n + o] = out[bl + o] = blank;
				continue;
			}
			const t = tx[ox];
			const i00 = ra + xa[ox];
			const i01 = ra + xb[ox];
			const i10 = rb + xa[ox];
			const i11 = rb + xb[ox];
			// Rounded to float32 first, as the interleaved RGB buffer of the generic path stored it.
			let top = d[i00] + (d[i01] - d[i00]) * t;
			let bottom = d[i10] + (d[i11] - d[i10]) * t;
			out[r + o] = (Math.fround(top + (bottom - top) * ty) - mean) * inv;
			top = d[i00 + 1] + (d[i01 + 1] - d[i00 + 1]) * t;
			bottom = d[i10 + 1] + (d[i11 + 1] - d[i10 + 1]) * t;
			out[n + o] = (Math.fround(top + (bottom - top) * ty) - mean) * inv;
			top = d[i00 + 2] + (d[i01 + 2] - d[i00 + 2]) * t;
			bottom = d[i10 + 2] + (d[i11 + 2] - d[i10 + 2]) * t;
			out[bl + o] = (Math.fround(top + (bottom - top) * ty) - mean) * inv;
		}
	}
	return out;
}

/**
 * Samples `box` onto outW x outH straight into a planar tensor (v - mean) / std, as sampleRegion (area average
 * when shrinking, bilinear when enlarging; outside the image: `fill`) then rgbToChw compute it, bit for bit: the
 * detector's letterboxed input, without the interleaved buffer and its second pass.
 */
export function sampleToChw(
	img: RgbaImage,
	box: Box,
	outW: number,
	outH: number,
	order: ChannelOrder,
	mean: number,
	std: number,
	fill = 0
): Float32Array {
	if (box.width / outW <= 1 && box.height / outH <= 1)
		return bilinearToChw(img, box, outW, outH, order, mean, std, fill);
	return areaSample(img, box, outW, outH, fill, { order, mean, std });
}
