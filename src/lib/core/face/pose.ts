// HopeNet-style head pose (fr_pose): 66 bins of 3 degrees per angle; the angle is the softmax expectation.
import type { Box } from '../image/types.ts';

export const POSE_SIZE = 224;
export const IMAGENET_MEAN: [number, number, number] = [0.485 * 255, 0.456 * 255, 0.406 * 255];
export const IMAGENET_STD: [number, number, number] = [0.229 * 255, 0.224 * 255, 0.225 * 255];

export function softmax(logits: ArrayLike<number>): number[] {
	let max = -Infinity;
	for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
	const exps = Array.from(logits, (v) => Math.exp(v - max));
	const sum = exps.reduce((a, b) => a + b, 0);
	return exps.map((e) => e / sum);
}

/** Expected angle in degrees from 66 bin logits (bin i covers -99 + 3i). */
export function binsToDegrees(logits: ArrayLike<number>): number {
	const p = softmax(logits);
	let e = 0;
	for (let i = 0; i < p.length; i++) e += p[i] * i;
	return e * 3 - 99;
}

/** The model saw the detector box grown by a quarter of its size on every side. */
export function poseCrop(box: Box): Box {
	return {
		x: box.x - box.width / 4,
		y: box.y - box.height / 4,
		width: box.width * 1.5,
		height: box.height * 1.5
	};
}
