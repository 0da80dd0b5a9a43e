// Face morphs of two photos for the morphing-attack bench (tests/bench/morph.bench.ts): the candidate A and a
// stand-in B are warped onto one portrait canvas and blended, alpha = the stand-in's share (0 = A alone through the
// same pipeline, the control). Two constructions an attacker would use:
//   sim - each face warped by its own 5-point similarity transform onto the alpha-weighted mean keypoints;
//   pwa - the classic landmark morph: the 68 landmarks averaged, Delaunay-triangulated, each triangle warped.
// Deliberately crude (no colour matching, edge pixels clamped): the bench's pass rates are lower bounds.
import {
	applyAffine,
	ARCFACE_TEMPLATE,
	invertAffine,
	similarityTransform,
	type Affine
} from '../../src/lib/core/face/align.ts';
import { warpAffine } from '../../src/lib/core/image/ops.ts';
import { createImage, type Point, type RgbaImage } from '../../src/lib/core/image/types.ts';

export type MorphMode = 'sim' | 'pwa';
export const MORPH_MODES: readonly MorphMode[] = ['sim', 'pwa'];

/** A photo with what the face engine found in it: the 5 keypoints the embedding aligns on, the 68 landmarks. */
export interface MorphSource {
	image: RgbaImage;
	keypoints: readonly Point[];
	landmarks: readonly Point[];
}

type Triangle = [number, number, number];

// The canvas: the ArcFace 5-point template scaled 1.9x, centred, so the whole face and some hair fit.
const CANVAS_WIDTH = 240;
const CANVAS_HEIGHT = 270;
const TEMPLATE_SCALE = 1.9;
const TEMPLATE_TOP = 18;
const CANVAS_TEMPLATE: Point[] = ARCFACE_TEMPLATE.map((p) => ({
	x: p.x * TEMPLATE_SCALE + (CANVAS_WIDTH - 112 * TEMPLATE_SCALE) / 2,
	y: p.y * TEMPLATE_SCALE + TEMPLATE_TOP
}));

// Corners and edge midpoints of the canvas, added to the landmarks so the triangles cover the whole canvas.
const CANVAS_BORDER: Point[] = [0, 0.5, 1].flatMap((fx) =>
	[0, 0.5, 1]
		.filter((fy) => fx !== 0.5 || fy !== 0.5)
		.map((fy) => ({ x: fx * (CANVAS_WIDTH - 1), y: fy * (CANVAS_HEIGHT - 1) }))
);

const mix = (a: Point, b: Point, alpha: number): Point => ({
	x: (1 - alpha) * a.x + alpha * b.x,
	y: (1 - alpha) * a.y + alpha * b.y
});

/** Morph of A and B with B's share alpha, on the canvas. */
export function morphFaces(a: MorphSource, b: MorphSource, alpha: number, mode: MorphMode): RgbaImage {
	// Both faces are first put in the canvas frame by their 5-point similarity, so their points are comparable.
	const toCanvasA = similarityTransform(a.keypoints, CANVAS_TEMPLATE);
	const toCanvasB = similarityTransform(b.keypoints, CANVAS_TEMPLATE);
	return mode === 'sim'
		? similarityMorph(a, b, alpha, toCanvasA, toCanvasB)
		: landmarkMorph(a, b, alpha, toCanvasA, toCanvasB);
}

function similarityMorph(
	a: MorphSource,
	b: MorphSource,
	alpha: number,
	toCanvasA: Affine,
	toCanvasB: Affine
) {
	const keypointsB = b.keypoints.map((p) => applyAffine(toCanvasB, p));
	const target = a.keypoints.map((p, i) => mix(applyAffine(toCanvasA, p), keypointsB[i], alpha));
	const warp = (s: MorphSource) =>
		warpAffine(s.image, invertAffine(similarityTransform(s.keypoints, target)), CANVAS_WIDTH, CANVAS_HEIGHT);
	return blend(warp(a), warp(b), alpha);
}

function landmarkMorph(a: MorphSource, b: MorphSource, alpha: number, toCanvasA: Affine, toCanvasB: Affine) {
	const landmarksB = b.landmarks.map((p) => applyAffine(toCanvasB, p));
	const target = [
		...a.landmarks.map((p, i) => mix(applyAffine(toCanvasA, p), landmarksB[i], alpha)),
		...CANVAS_BORDER
	];
	const triangles = delaunay(target);
	// The border points in each source image: where the canvas border falls under that face's similarity.
	const sourcePoints = (s: MorphSource, toCanvas: Affine) => [
		...s.landmarks,
		...CANVAS_BORDER.map((p) => applyAffine(invertAffine(toCanvas), p))
	];
	return blend(
		piecewiseAffineWarp(a.image, sourcePoints(a, toCanvasA), target, triangles),
		piecewiseAffineWarp(b.image, sourcePoints(b, toCanvasB), target, triangles),
		alpha
	);
}

function blend(a: RgbaImage, b: RgbaImage, alpha: number): RgbaImage {
	const out = createImage(CANVAS_WIDTH, CANVAS_HEIGHT);
	for (let i = 0; i < out.data.length; i++) out.data[i] = (1 - alpha) * a.data[i] + alpha * b.data[i];
	return out;
}

/** Is p strictly inside the circumcircle of triangle abc (either winding)? */
function inCircumcircle(a: Point, b: Point, c: Point, p: Point): boolean {
	const [ax, ay, bx, by, cx, cy] = [a.x - p.x, a.y - p.y, b.x - p.x, b.y - p.y, c.x - p.x, c.y - p.y];
	const det =
		(ax * ax + ay * ay) * (bx * cy - cx * by) -
		(bx * bx + by * by) * (ax * cy - cx * ay) +
		(cx * cx + cy * cy) * (ax * by - bx * ay);
	const counterClockwise = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x) > 0;
	return counterClockwise ? det > 0 : det < 0;
}

/** Bowyer-Watson triangulation (68 + 8 points: the quadratic cost is nothing next to the models). */
export function delaunay(points: readonly Point[]): Triangle[] {
	const far = 1e5;
	const all = [...points, { x: -far, y: -far }, { x: far, y: -far }, { x: 0, y: far }];
	const n = points.length;
	let triangles: Triangle[] = [[n, n + 1, n + 2]];
	for (let i = 0; i < n; i++) {
		const bad = triangles.filter((t) => inCircumcircle(all[t[0]], all[t[1]], all[t[2]], all[i]));
		// The hole's boundary: edges that belong to exactly one removed triangle.
		const boundary = new Map<string, [number, number]>();
		for (const t of bad)
			for (const [u, v] of [
				[t[0], t[1]],
				[t[1], t[2]],
				[t[2], t[0]]
			] as [number, number][]) {
				const key = u < v ? `${u},${v}` : `${v},${u}`;
				if (boundary.has(key)) boundary.delete(key);
				else boundary.set(key, [u, v]);
			}
		triangles = triangles.filter((t) => !bad.includes(t));
		for (const [u, v] of boundary.values()) triangles.push([u, v, i]);
	}
	return triangles.filter((t) => t.every((i) => i < n));
}

/** The affine map taking triangle `from` exactly onto triangle `to`. */
function triangleAffine(from: readonly Point[], to: readonly Point[]): Affine {
	const [p0, p1, p2] = from;
	const det = (p1.x - p0.x) * (p2.y - p0.y) - (p2.x - p0.x) * (p1.y - p0.y);
	const solve = (v0: number, v1: number, v2: number): [number, number, number] => {
		const a = ((v1 - v0) * (p2.y - p0.y) - (v2 - v0) * (p1.y - p0.y)) / det;
		const b = ((p1.x - p0.x) * (v2 - v0) - (p2.x - p0.x) * (v1 - v0)) / det;
		return [a, b, v0 - a * p0.x - b * p0.y];
	};
	return [...solve(to[0].x, to[1].x, to[2].x), ...solve(to[0].y, to[1].y, to[2].y)];
}

/** Bilinear RGB at (x, y), coordinates clamped to the image (the edge pixels stretch: a visible artefact). */
function sampleInto(image: RgbaImage, x: number, y: number, out: RgbaImage, offset: number): void {
	const { width, height, data } = image;
	const cx = Math.min(Math.max(x, 0), width - 1);
	const cy = Math.min(Math.max(y, 0), height - 1);
	const [x0, y0] = [Math.floor(cx), Math.floor(cy)];
	const [x1, y1] = [Math.min(x0 + 1, width - 1), Math.min(y0 + 1, height - 1)];
	const [fx, fy] = [cx - x0, cy - y0];
	for (let ch = 0; ch < 3; ch++) {
		const top = data[(y0 * width + x0) * 4 + ch] * (1 - fx) + data[(y0 * width + x1) * 4 + ch] * fx;
		const bottom = data[(y1 * width + x0) * 4 + ch] * (1 - fx) + data[(y1 * width + x1) * 4 + ch] * fx;
		out.data[offset + ch] = top * (1 - fy) + bottom * fy;
	}
	out.data[offset + 3] = 255;
}

/** Warps `image` so that sourcePoints land on targetPoints (canvas), triangle by triangle of the target. */
function piecewiseAffineWarp(
	image: RgbaImage,
	sourcePoints: readonly Point[],
	targetPoints: readonly Point[],
	triangles: readonly Triangle[]
): RgbaImage {
	const out = createImage(CANVAS_WIDTH, CANVAS_HEIGHT);
	// A pixel on a shared edge belongs to the first triangle that claims it.
	const filled = new Uint8Array(CANVAS_WIDTH * CANVAS_HEIGHT);
	for (const t of triangles) {
		const corners = t.map((i) => targetPoints[i]);
		const canvasToSource = triangleAffine(
			corners,
			t.map((i) => sourcePoints[i])
		);
		for (const { x, y } of pixelsInside(corners)) {
			const i = y * CANVAS_WIDTH + x;
			if (filled[i]) continue;
			filled[i] = 1;
			const p = applyAffine(canvasToSource, { x, y });
			sampleInto(image, p.x, p.y, out, i * 4);
		}
	}
	return out;
}

/** Canvas pixels inside (or on) a triangle, by barycentric coordinates over its bounding box. */
function* pixelsInside([a, b, c]: readonly Point[]): Generator<Point> {
	const xs = [a.x, b.x, c.x];
	const ys = [a.y, b.y, c.y];
	const [minX, maxX] = [
		Math.max(0, Math.floor(Math.min(...xs))),
		Math.min(CANVAS_WIDTH - 1, Math.ceil(Math.max(...xs)))
	];
	const [minY, maxY] = [
		Math.max(0, Math.floor(Math.min(...ys))),
		Math.min(CANVAS_HEIGHT - 1, Math.ceil(Math.max(...ys)))
	];
	const den = (b.y - c.y) * (a.x - c.x) + (c.x - b.x) * (a.y - c.y);
	const epsilon = 1e-6;
	for (let y = minY; y <= maxY; y++)
		for (let x = minX; x <= maxX; x++) {
			const l1 = ((b.y - c.y) * (x - c.x) + (c.x - b.x) * (y - c.y)) / den;
			const l2 = ((c.y - a.y) * (x - c.x) + (a.x - c.x) * (y - c.y)) / den;
			if (l1 >= -epsilon && l2 >= -epsilon && 1 - l1 - l2 >= -epsilon) yield { x, y };
		}
}
