// 68-point landmark model (fr_landmark, iBUG 300-W numbering, 0-based) and the geometry read from it.
import type { Box, Point } from '../image/types.ts';
import { distance, mean } from './geometry.ts';

export const LANDMARK_SIZE = 64;

/** Maps the model's 136 outputs (x, y in 0..1 of the square crop) back to image pixels. */
export function decodeLandmarks(output: ArrayLike<number>, crop: Box): Point[] {
	const points: Point[] = [];
	for (let i = 0; i < 68; i++) {
		points.push({ x: crop.x + output[i * 2] * crop.width, y: crop.y + output[i * 2 + 1] * crop.height });
	}
	return points;
}

// iBUG indices. "Image-left" is the person's right side on an unmirrored photo.
const EYE_IMAGE_LEFT = [36, 37, 38, 39, 40, 41];
const EYE_IMAGE_RIGHT = [42, 43, 44, 45, 46, 47];

const pick = (pts: readonly Point[], idx: readonly number[]): Point[] => idx.map((i) => pts[i]);

/** The five keypoints DetectedFace and the ArcFace template use, from 68 landmarks. */
export function fivePoints(pts: readonly Point[]): Point[] {
	return [
		mean(pick(pts, EYE_IMAGE_LEFT)),
		mean(pick(pts, EYE_IMAGE_RIGHT)),
		pts[30],
		mean([pts[48], pts[60]]),
		mean([pts[54], pts[64]])
	];
}

/** Eye aspect ratio (Soukupová & Čech 2016): eyelid gap over eye width; ~0.3 open, < ~0.15 closed. */
export function eyeAspectRatio(pts: readonly Point[], side: 'imageLeft' | 'imageRight'): number {
	const [p1, p2, p3, p4, p5, p6] = pick(pts, side === 'imageLeft' ? EYE_IMAGE_LEFT : EYE_IMAGE_RIGHT);
	const width = distance(p1, p4);
	return width > 0 ? (distance(p2, p6) + distance(p3, p5)) / (2 * width) : 0;
}

/** Inner-lip gap over mouth-corner width; 0 closed, ~0.5+ wide open. */
export function mouthOpenness(pts: readonly Point[]): number {
	const width = distance(pts[48], pts[54]);
	if (width <= 0) return 0;
	const gap = (distance(pts[61], pts[67]) + distance(pts[62], pts[66]) + distance(pts[63], pts[65])) / 3;
	return gap / width;
}

/** A square crop around one eye, 1.6x the eye's corner-to-corner width, as the eye model was trained. */
export function eyeCrop(pts: readonly Point[], side: 'imageLeft' | 'imageRight'): Box {
	const idx = side === 'imageLeft' ? EYE_IMAGE_LEFT : EYE_IMAGE_RIGHT;
	const c = mean(pick(pts, [idx[1], idx[2], idx[4], idx[5]]));
	const size = Math.max(4, distance(pts[idx[0]], pts[idx[3]]) * 1.6);
	return { x: c.x - size / 2, y: c.y - size / 2, width: size, height: size };
}

/** In-plane rotation of the eye line in degrees; > 0 when the image-right eye is lower (clockwise on screen). */
export function eyeLineAngle(pts: readonly Point[]): number {
	const l = mean(pick(pts, EYE_IMAGE_LEFT));
	const r = mean(pick(pts, EYE_IMAGE_RIGHT));
	return (Math.atan2(r.y - l.y, r.x - l.x) * 180) / Math.PI;
}
