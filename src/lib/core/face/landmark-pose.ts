// Head pose from the 68 landmarks alone: a scaled-orthographic fit of a generic 3-D face to six points. Costs
// microseconds and no download, where the pose network costs ~5.4 MB gzipped and the most time per frame.
// Absolute angles carry the generic model's bias (faces differ); changes within one person's session are what
// liveness challenges need.
import type { Point } from '../image/types.ts';
import type { HeadPose } from './types.ts';

/** Generic face (mm): x towards the image's right, y up, z towards the camera; iBUG indices. */
const MODEL: readonly [number, [number, number, number]][] = [
	[30, [0, 0, 0]], // nose tip
	[8, [0, -330, -65]], // chin
	[36, [-225, 170, -135]], // outer corner of the image-left eye
	[45, [225, 170, -135]], // outer corner of the image-right eye
	[48, [-150, -150, -125]], // image-left mouth corner
	[54, [150, -150, -125]] // image-right mouth corner
];

function solve3(a: number[][], b: number[]): number[] {
	// Cramer's rule on a 3x3 system; the model's normal matrix is fixed and well conditioned.
	const det = (m: number[][]) =>
		m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
		m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
		m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
	const d = det(a);
	return [0, 1, 2].map((c) => det(a.map((row, r) => row.map((v, k) => (k === c ? b[r] : v)))) / d);
}

const deg = (r: number) => (r * 180) / Math.PI;

export function poseFromLandmarks(pts: readonly Point[]): HeadPose {
	const n = MODEL.length;
	const X = MODEL.map(([, p]) => p);
	const x = MODEL.map(([i]) => [pts[i].x, -pts[i].y]); // image y points down; the model's y points up
	const mX = [0, 1, 2].map((k) => X.reduce((s, p) => s + p[k], 0) / n);
	const mx = [0, 1].map((k) => x.reduce((s, p) => s + p[k], 0) / n);
	const Xc = X.map((p) => p.map((v, k) => v - mX[k]));
	const xc = x.map((p) => p.map((v, k) => v - mx[k]));
	const normal = [0, 1, 2].map((i) => [0, 1, 2].map((j) => Xc.reduce((s, p) => s + p[i] * p[j], 0)));
	// Least-squares 2x3 projection rows: r = (Xc^T Xc)^-1 Xc^T xc[:, row].
	const rows = [0, 1].map((r) =>
		solve3(
			normal,
			[0, 1, 2].map((i) => Xc.reduce((s, p, k) => s + p[i] * xc[k][r], 0))
		)
	);
	const norm = (v: number[]) => Math.hypot(...v);
	const r1 = rows[0].map((v) => v / norm(rows[0]));
	const dot = r1.reduce((s, v, i) => s + v * rows[1][i], 0);
	const r2raw = rows[1].map((v, i) => v - dot * r1[i]);
	const r2 = r2raw.map((v) => v / norm(r2raw));
	const r3 = [r1[1] * r2[2] - r1[2] * r2[1], r1[2] * r2[0] - r1[0] * r2[2], r1[0] * r2[1] - r1[1] * r2[0]];
	// R = Rz(roll) * Rx(pitch) * Ry(yaw): turn about the neck, then nod, then tilt in the image plane.
	// Its last row is [-cos(p) sin(y), -sin(p), cos(p) cos(y)] whatever the roll; roll is read off the first two.
	const pitch = deg(Math.asin(Math.max(-1, Math.min(1, -r3[1]))));
	const yaw = deg(Math.atan2(-r3[0], r3[2]));
	const roll = deg(Math.atan2(r1[1], r2[1]));
	return { yaw, pitch, roll };
}
