// Basic raster operations shared by every engine. Pure TypeScript so they run in workers, Node and the server.
import { createImage, type Box, type RgbaImage } from './types.ts';

/** Bilinear sample of channel c at (x, y); coordinates outside the image clamp to the edge. */
function sample(img: RgbaImage, x: number, y: number, c: number): number {
	const { width: w, height: h, data } = img;
	const cx = Math.min(Math.max(x, 0), w - 1);
	const cy = Math.min(Math.max(y, 0), h - 1);
	const x0 = Math.floor(cx);
	const y0 = Math.floor(cy);
	const x1 = Math.min(x0 + 1, w - 1);
	const y1 = Math.min(y0 + 1, h - 1);
	const fx = cx - x0;
	const fy = cy - y0;
	const a = data[(y0 * w + x0) * 4 + c] * (1 - fx) + data[(y0 * w + x1) * 4 + c] * fx;
	const b = data[(y1 * w + x0) * 4 + c] * (1 - fx) + data[(y1 * w + x1) * 4 + c] * fx;
	return a * (1 - fy) + b * fy;
}

/** Resizes with bilinear filtering; when shrinking by more than 2x it box-averages first to avoid aliasing. */
export function resize(img: RgbaImage, width: number, height: number): RgbaImage {
	let src = img;
	while (src.width >= width * 2 && src.height >= height * 2) src = halve(src);
	const out = createImage(width, height);
	const sx = src.width / width;
	const sy = src.height / height;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			const u = (x + 0.5) * sx - 0.5;
			const v = (y + 0.5) * sy - 0.5;
			for (let c = 0; c < 4; c++) out.data[i + c] = sample(src, u, v, c);
		}
	}
	return out;
}

function halve(img: RgbaImage): RgbaImage {
	const w = img.width >> 1;
	const h = img.height >> 1;
	const out = createImage(w, h);
	const d = img.data;
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const a = (2 * y * img.width + 2 * x) * 4;
			const b = a + img.width * 4;
			const o = (y * w + x) * 4;
			for (let c = 0; c < 4; c++)
				out.data[o + c] = (d[a + c] + d[a + 4 + c] + d[b + c] + d[b + 4 + c] + 2) >> 2;
		}
	}
	return out;
}

/** Crops a box (may extend past the image; outside pixels are filled with `fill`). */
export function crop(img: RgbaImage, box: Box, fill: [number, number, number] = [0, 0, 0]): RgbaImage {
	const bx = Math.round(box.x);
	const by = Math.round(box.y);
	const w = Math.max(1, Math.round(box.width));
	const h = Math.max(1, Math.round(box.height));
	const out = createImage(w, h);
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const sx = bx + x;
			const sy = by + y;
			const o = (y * w + x) * 4;
			if (sx >= 0 && sy >= 0 && sx < img.width && sy < img.height) {
				const i = (sy * img.width + sx) * 4;
				out.data[o] = img.data[i];
				out.data[o + 1] = img.data[i + 1];
				out.data[o + 2] = img.data[i + 2];
			} else {
				out.data[o] = fill[0];
				out.data[o + 1] = fill[1];
				out.data[o + 2] = fill[2];
			}
			out.data[o + 3] = 255;
		}
	}
	return out;
}

/**
 * Warps with a 2x3 affine matrix that maps OUTPUT pixel coordinates to SOURCE coordinates
 * ([a, b, c, d, e, f]: sx = a*x + b*y + c, sy = d*x + e*y + f).
 */
export function warpAffine(
	img: RgbaImage,
	inverse: readonly number[],
	width: number,
	height: number
): RgbaImage {
	const [a, b, c, d, e, f] = inverse;
	const out = createImage(width, height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const sx = a * x + b * y + c;
			const sy = d * x + e * y + f;
			const o = (y * width + x) * 4;
			for (let ch = 0; ch < 3; ch++) out.data[o + ch] = sample(img, sx, sy, ch);
			out.data[o + 3] = 255;
		}
	}
	return out;
}

/** Luma (BT.601) as a Float32Array of width*height values in 0..255. */
export function toGray(img: RgbaImage): Float32Array {
	const n = img.width * img.height;
	const out = new Float32Array(n);
	const d = img.data;
	for (let i = 0; i < n; i++) out[i] = 0.299 * d[i * 4] + 0.587 * d[i * 4 + 1] + 0.114 * d[i * 4 + 2];
	return out;
}

export interface TensorOptions {
	/** Channel order the model expects. */
	order: 'rgb' | 'bgr';
	mean: readonly [number, number, number] | number;
	std: readonly [number, number, number] | number;
}

/** Packs an image into a planar NCHW float tensor, (value - mean) / std per channel. */
export function toChwTensor(img: RgbaImage, { order, mean, std }: TensorOptions): Float32Array {
	const n = img.width * img.height;
	const out = new Float32Array(3 * n);
	const m = typeof mean === 'number' ? [mean, mean, mean] : mean;
	const s = typeof std === 'number' ? [std, std, std] : std;
	const channels = order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
	for (let p = 0; p < 3; p++) {
		const ch = channels[p];
		for (let i = 0; i < n; i++) out[p * n + i] = (img.data[i * 4 + ch] - m[p]) / s[p];
	}
	return out;
}
