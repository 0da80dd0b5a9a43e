// Geometry read straight from the 68 landmarks (iBUG numbering), used by the photo checks in preference to the
// eye-state and pose models: on the fixture portraits those models called wide-open eyes closed (p < 0.01) and
// frontal AI-generated faces 12-20 degrees turned, while the landmark ratios below matched what a person sees.
import type { Point } from '../image/types.ts';

const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

/** Eye aspect ratio (Soukupová & Čech 2016): ~0.25-0.35 open, below ~0.15 closed. Image-left eye first. */
export function eyeAspectRatios(lm: readonly Point[]): { imageLeft: number; imageRight: number } {
	const ear = (i: number): number => {
		const w = dist(lm[i], lm[i + 3]);
		return w > 0 ? (dist(lm[i + 1], lm[i + 5]) + dist(lm[i + 2], lm[i + 4])) / (2 * w) : 0;
	};
	return { imageLeft: ear(36), imageRight: ear(42) };
}

/**
 * Yaw from the nose tip's place between the two cheek contour points at nose level (2 and 14): 0.5 is frontal;
 * the sine mapping turns the offset into rough degrees so the spec's limit reads like an angle.
 */
export function landmarkYaw(lm: readonly Point[]): number {
	const left = lm[2];
	const right = lm[14];
	const width = right.x - left.x;
	if (width <= 0) return 90;
	const r = (lm[30].x - left.x) / width;
	const s = Math.max(-1, Math.min(1, (r - 0.5) * 2));
	return (Math.asin(s) * 180) / Math.PI;
}

/** Roll: angle of the line through the two eye centres, degrees, 0 = level. */
export function landmarkRoll(lm: readonly Point[]): number {
	const c = (from: number): Point => {
		let x = 0;
		let y = 0;
		for (let i = from; i < from + 6; i++) {
			x += lm[i].x;
			y += lm[i].y;
		}
		return { x: x / 6, y: y / 6 };
	};
	const a = c(36);
	const b = c(42);
	return (Math.atan2(b.y - a.y, b.x - a.x) * 180) / Math.PI;
}

/** Pitch proxy: where the base of the nose (33) sits between the eye line and the chin (8). */
export function noseChinRatio(lm: readonly Point[]): number {
	let eyeY = 0;
	for (let i = 36; i < 48; i++) eyeY += lm[i].y;
	eyeY /= 12;
	const span = lm[8].y - eyeY;
	return span > 0 ? (lm[33].y - eyeY) / span : 0;
}
