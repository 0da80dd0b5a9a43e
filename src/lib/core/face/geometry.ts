// Box and point helpers the face pipeline shares: square crops, growing boxes, overlap.
import type { Box, Point } from '../image/types.ts';
import type { DetectedFace } from './types.ts';

/** Intersection over union of two boxes, 0..1. */
export function iou(a: Box, b: Box): number {
	const x1 = Math.max(a.x, b.x);
	const y1 = Math.max(a.y, b.y);
	const x2 = Math.min(a.x + a.width, b.x + b.width);
	const y2 = Math.min(a.y + a.height, b.y + b.height);
	const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
	const union = a.width * a.height + b.width * b.height - inter;
	return union > 0 ? inter / union : 0;
}

/** A square box with the given side centred on the box's centre. */
export function squareAround(box: Box, side: number): Box {
	const cx = box.x + box.width / 2;
	const cy = box.y + box.height / 2;
	return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

/** Grows a box about its centre by a factor in both directions. */
export function scaleBox(box: Box, factor: number): Box {
	const w = box.width * factor;
	const h = box.height * factor;
	return { x: box.x + (box.width - w) / 2, y: box.y + (box.height - h) / 2, width: w, height: h };
}

/**
 * Grows a box by `factor` but keeps it inside the image by shrinking the factor and sliding it, the way the
 * anti-spoof model's training crops were made (Silent-Face "CropImage"): context around the face is the signal.
 */
export function contextBox(box: Box, factor: number, imageWidth: number, imageHeight: number): Box {
	const s = Math.min((imageHeight - 1) / box.height, (imageWidth - 1) / box.width, factor);
	const w = box.width * s;
	const h = box.height * s;
	let x = box.x + box.width / 2 - w / 2;
	let y = box.y + box.height / 2 - h / 2;
	x = Math.min(Math.max(x, 0), imageWidth - 1 - w);
	y = Math.min(Math.max(y, 0), imageHeight - 1 - h);
	return { x: Math.max(0, x), y: Math.max(0, y), width: w, height: h };
}

export function mean(points: readonly Point[]): Point {
	let x = 0;
	let y = 0;
	for (const p of points) {
		x += p.x;
		y += p.y;
	}
	return { x: x / points.length, y: y / points.length };
}

export function distance(a: Point, b: Point): number {
	return Math.hypot(a.x - b.x, a.y - b.y);
}

export function clipBox(box: Box, width: number, height: number): Box {
	const x1 = Math.min(Math.max(box.x, 0), width);
	const y1 = Math.min(Math.max(box.y, 0), height);
	const x2 = Math.min(Math.max(box.x + box.width, 0), width);
	const y2 = Math.min(Math.max(box.y + box.height, 0), height);
	return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

/** The same face in an image `factor` times as large (a face found on a downscaled copy, on the full frame). */
export function resizeFace(face: DetectedFace, factor: number): DetectedFace {
	const { box } = face;
	return {
		...face,
		box: { x: box.x * factor, y: box.y * factor, width: box.width * factor, height: box.height * factor },
		...(face.keypoints
			? { keypoints: face.keypoints.map((p) => ({ x: p.x * factor, y: p.y * factor })) }
			: {})
	};
}
