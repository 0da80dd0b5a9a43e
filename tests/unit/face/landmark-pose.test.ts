import { describe, expect, it } from 'vitest';
import { poseFromLandmarks } from '../../../src/lib/core/face/landmark-pose.ts';
import type { Point } from '../../../src/lib/core/image/types.ts';

// The generic face the fit uses (x image-right, y up, z towards the camera), by iBUG index.
const FACE: Record<number, [number, number, number]> = {
	30: [0, 0, 0],
	8: [0, -330, -65],
	36: [-225, 170, -135],
	45: [225, 170, -135],
	48: [-150, -150, -125],
	54: [150, -150, -125]
};

/** Rotates the face (yaw about y, then pitch about x, then roll in the image plane) and projects it to pixels. */
function project(yawDeg: number, pitchDeg: number, rollDeg: number, scale = 0.4): Point[] {
	const [y, p, r] = [yawDeg, pitchDeg, rollDeg].map((d) => (d * Math.PI) / 180);
	const pts: Point[] = Array.from({ length: 68 }, () => ({ x: 0, y: 0 }));
	for (const [i, [x0, y0, z0]] of Object.entries(FACE)) {
		// yaw > 0 turns the nose towards the image's right; pitch > 0 lifts it; roll > 0 is clockwise on screen.
		const x1 = x0 * Math.cos(y) + z0 * Math.sin(y);
		const z1 = -x0 * Math.sin(y) + z0 * Math.cos(y);
		const y2 = y0 * Math.cos(p) + z1 * Math.sin(p);
		const xs = x1 * Math.cos(r) + y2 * Math.sin(r);
		const ys = -x1 * Math.sin(r) + y2 * Math.cos(r);
		pts[Number(i)] = { x: 320 + scale * xs, y: 240 - scale * ys };
	}
	return pts;
}

describe('poseFromLandmarks', () => {
	it('is zero for the frontal generic face', () => {
		const p = poseFromLandmarks(project(0, 0, 0));
		expect(p.yaw).toBeCloseTo(0, 6);
		expect(p.pitch).toBeCloseTo(0, 6);
		expect(p.roll).toBeCloseTo(0, 6);
	});

	it.each([
		[25, 0, 0],
		[-30, 0, 0],
		[0, 15, 0],
		[0, -20, 0],
		[0, 0, 12]
	])('recovers a single rotation, yaw %i, pitch %i, roll %i, within 0.5 degrees', (yaw, pitch, roll) => {
		const p = poseFromLandmarks(project(yaw, pitch, roll));
		expect(Math.abs(p.yaw - yaw)).toBeLessThan(0.5);
		expect(Math.abs(p.pitch - pitch)).toBeLessThan(0.5);
		expect(Math.abs(p.roll - roll)).toBeLessThan(0.5);
	});

	it('recovers combined rotations (yaw, then pitch, then roll) within 0.5 degrees', () => {
		const p = poseFromLandmarks(project(20, 10, -8));
		expect(Math.abs(p.yaw - 20)).toBeLessThan(0.5);
		expect(Math.abs(p.pitch - 10)).toBeLessThan(0.5);
		expect(Math.abs(p.roll + 8)).toBeLessThan(0.5);
	});

	it('does not depend on face size or position', () => {
		const a = poseFromLandmarks(project(15, -5, 3, 0.2));
		const b = poseFromLandmarks(project(15, -5, 3, 1.1));
		expect(a.yaw).toBeCloseTo(b.yaw, 6);
		expect(a.pitch).toBeCloseTo(b.pitch, 6);
	});
});
