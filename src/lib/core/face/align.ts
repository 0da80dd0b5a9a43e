// Face alignment for the embedding model: a least-squares similarity transform (rotation, uniform scale,
// translation; no shear, so identity cues are not distorted) from five keypoints onto the ArcFace template.
import type { Point, RgbaImage } from '../image/types.ts';
import { warpAffine } from '../image/ops.ts';

/**
 * ArcFace/insightface 112x112 reference points, in the order of DetectedFace.keypoints: the eye, then the mouth
 * corner, on the image's left first (person's right), then nose tip.
 */
export const ARCFACE_TEMPLATE: readonly Point[] = [
	{ x: 38.2946, y: 51.6963 },
	{ x: 73.5318, y: 51.5014 },
	{ x: 56.0252, y: 71.7366 },
	{ x: 41.5493, y: 92.3655 },
	{ x: 70.7299, y: 92.2041 }
];
export const ALIGNED_SIZE = 112;

/** 2x3 affine [a, b, c, d, e, f]: x' = a*x + b*y + c, y' = d*x + e*y + f. */
export type Affine = [number, number, number, number, number, number];

/** Least-squares similarity transform mapping `from` points onto `to` points (Umeyama, no reflection). */
export function similarityTransform(from: readonly Point[], to: readonly Point[]): Affine {
	if (from.length !== to.length || from.length < 2)
		throw new Error('similarityTransform needs >= 2 point pairs');
	const n = from.length;
	let fx = 0;
	let fy = 0;
	let tx = 0;
	let ty = 0;
	for (let i = 0; i < n; i++) {
		fx += from[i].x / n;
		fy += from[i].y / n;
		tx += to[i].x / n;
		ty += to[i].y / n;
	}
	let num1 = 0;
	let num2 = 0;
	let den = 0;
	for (let i = 0; i < n; i++) {
		const x = from[i].x - fx;
		const y = from[i].y - fy;
		const u = to[i].x - tx;
		const v = to[i].y - ty;
		num1 += x * u + y * v;
		num2 += x * v - y * u;
		den += x * x + y * y;
	}
	if (den === 0) throw new Error('similarityTransform: source points coincide');
	const a = num1 / den;
	const b = num2 / den;
	// [a -b; b a] is scale*rotation; translation moves the source centroid onto the target centroid.
	return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}

export function invertAffine([a, b, c, d, e, f]: Affine): Affine {
	const det = a * e - b * d;
	if (det === 0) throw new Error('invertAffine: singular transform');
	const ia = e / det;
	const ib = -b / det;
	const id = -d / det;
	const ie = a / det;
	return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

export function applyAffine([a, b, c, d, e, f]: Affine, p: Point): Point {
	return { x: a * p.x + b * p.y + c, y: d * p.x + e * p.y + f };
}

/** Output pixel -> source coordinates of the alignment that puts the keypoints on the ArcFace template. */
export function alignmentInverse(keypoints: readonly Point[]): Affine {
	return invertAffine(similarityTransform(keypoints, ARCFACE_TEMPLATE));
}

/** Warps the face so its five keypoints land on the ArcFace template, 112x112. */
export function alignFace(image: RgbaImage, keypoints: readonly Point[]): RgbaImage {
	return warpAffine(image, alignmentInverse(keypoints), ALIGNED_SIZE, ALIGNED_SIZE);
}
