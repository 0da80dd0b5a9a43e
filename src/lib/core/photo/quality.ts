// Image-quality measures of the face region, in the spirit of ISO/IEC 29794-5 (OFIQ) components:
// sharpness, exposure (mean luma), dynamic range and illumination uniformity (left/right balance).
import { crop, resize, toGray } from '../image/ops.ts';
import { greyLaplacianVariance, kthSmallest } from '../image/stats.ts';
import type { Box, RgbaImage } from '../image/types.ts';

export interface FaceQuality {
	/** Variance of the 4-neighbour Laplacian on the face scaled to 128 px wide; blur drives it towards 0. */
	sharpness: number;
	/** Mean luma 0..255 of the inner face. */
	meanLuma: number;
	/** 98th minus 2nd percentile of the inner face's luma. */
	dynamicRange: number;
	/** Darker half over brighter half (left vs right of the face), 1 = even light. */
	evenness: number;
}

const NORMALISED_WIDTH = 128;

/** The central part of a face box: skips hair and background that detectors include at the edges. */
export function innerFace(box: Box): Box {
	return {
		x: box.x + box.width * 0.15,
		y: box.y + box.height * 0.15,
		width: box.width * 0.7,
		height: box.height * 0.75
	};
}

export function measureFaceQuality(image: RgbaImage, faceBox: Box): FaceQuality {
	const region = crop(image, innerFace(faceBox), [128, 128, 128]);
	const scale = NORMALISED_WIDTH / region.width;
	const normalised = resize(region, NORMALISED_WIDTH, Math.max(8, Math.round(region.height * scale)));
	const grey = toGray(normalised);
	const w = normalised.width;
	const h = normalised.height;
	return {
		sharpness: greyLaplacianVariance(grey, w, h),
		meanLuma: mean(grey),
		dynamicRange: spread(grey, 0.02, 0.98),
		evenness: leftRightBalance(grey, w, h)
	};
}

function mean(values: Float32Array): number {
	let s = 0;
	for (const v of values) s += v;
	return values.length ? s / values.length : 0;
}

/** The `high` percentile minus the `low` one (nearest rank). */
function spread(values: Float32Array, low: number, high: number): number {
	if (values.length === 0) return NaN;
	const at = (p: number) =>
		kthSmallest(values, Math.min(values.length - 1, Math.max(0, Math.round(p * (values.length - 1)))));
	return at(high) - at(low);
}

function leftRightBalance(grey: Float32Array, w: number, h: number): number {
	let left = 0;
	let right = 0;
	const half = w >> 1;
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < half; x++) left += grey[y * w + x];
		for (let x = w - half; x < w; x++) right += grey[y * w + x];
	}
	const hi = Math.max(left, right);
	return hi === 0 ? 1 : Math.min(left, right) / hi;
}
