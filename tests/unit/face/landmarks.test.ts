import { describe, expect, it } from 'vitest';
import {
	decodeLandmarks,
	eyeAspectRatio,
	eyeLineAngle,
	fivePoints,
	mouthOpenness
} from '../../../src/lib/core/face/landmarks.ts';
import { binsToDegrees, softmax } from '../../../src/lib/core/face/pose.ts';
import { brightness } from '../../../src/lib/core/face/quality.ts';
import { greyLaplacianVariance as laplacianVariance } from '../../../src/lib/core/image/stats.ts';
import type { Point } from '../../../src/lib/core/image/types.ts';

/** A schematic 68-point face: eyes as hexagons with a given lid gap, mouth with a given lip gap. */
function face(eyeGap: number, lipGap: number, tilt = 0): Point[] {
	const pts: Point[] = Array.from({ length: 68 }, (_, i) => ({ x: i, y: 0 }));
	const eye = (start: number, cx: number) => {
		const w = 20;
		pts[start] = { x: cx - w / 2, y: 50 };
		pts[start + 1] = { x: cx - w / 6, y: 50 - eyeGap / 2 };
		pts[start + 2] = { x: cx + w / 6, y: 50 - eyeGap / 2 };
		pts[start + 3] = { x: cx + w / 2, y: 50 };
		pts[start + 4] = { x: cx + w / 6, y: 50 + eyeGap / 2 };
		pts[start + 5] = { x: cx - w / 6, y: 50 + eyeGap / 2 };
	};
	eye(36, 30);
	eye(42, 70);
	pts[30] = { x: 50, y: 70 };
	pts[48] = { x: 35, y: 90 };
	pts[54] = { x: 65, y: 90 };
	pts[60] = { x: 37, y: 90 };
	pts[64] = { x: 63, y: 90 };
	for (const [u, l, x] of [
		[61, 67, 45],
		[62, 66, 50],
		[63, 65, 55]
	]) {
		pts[u] = { x, y: 90 - lipGap / 2 };
		pts[l] = { x, y: 90 + lipGap / 2 };
	}
	if (tilt) {
		const r = (tilt * Math.PI) / 180;
		return pts.map((p) => ({
			x: p.x * Math.cos(r) - p.y * Math.sin(r),
			y: p.x * Math.sin(r) + p.y * Math.cos(r)
		}));
	}
	return pts;
}

describe('landmark geometry', () => {
	it('eye aspect ratio is lid gap over width and falls when the eye closes', () => {
		expect(eyeAspectRatio(face(6, 0), 'imageLeft')).toBeCloseTo(6 / 20, 6);
		expect(eyeAspectRatio(face(1, 0), 'imageRight')).toBeCloseTo(1 / 20, 6);
	});

	it('mouth openness is lip gap over mouth width', () => {
		expect(mouthOpenness(face(6, 0))).toBe(0);
		expect(mouthOpenness(face(6, 15))).toBeCloseTo(0.5, 6);
	});

	it('five points are image-left eye, image-right eye, nose, mouth corners', () => {
		const [le, re, nose, lm, rm] = fivePoints(face(6, 0));
		expect(le.x).toBeCloseTo(30, 6);
		expect(re.x).toBeCloseTo(70, 6);
		expect(nose).toEqual({ x: 50, y: 70 });
		expect(lm.x).toBeCloseTo(36, 6);
		expect(rm.x).toBeCloseTo(64, 6);
	});

	it('eye-line angle is positive for a clockwise tilt on screen', () => {
		expect(eyeLineAngle(face(6, 0))).toBeCloseTo(0, 6);
		expect(eyeLineAngle(face(6, 0, 12))).toBeCloseTo(12, 6);
	});

	it('decodes model output relative to the crop', () => {
		const out = new Float32Array(136).fill(0.5);
		const pts = decodeLandmarks(out, { x: 10, y: 20, width: 100, height: 100 });
		expect(pts).toHaveLength(68);
		expect(pts[0]).toEqual({ x: 60, y: 70 });
	});
});

describe('pose bins', () => {
	it('softmax sums to 1 and survives large logits', () => {
		const p = softmax([1000, 1000, 0]);
		expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 9);
		expect(p[0]).toBeCloseTo(0.5, 9);
	});

	it('maps a peaked bin to its angle (bin i = 3i - 99 degrees)', () => {
		const logits = new Float32Array(66).fill(-50);
		logits[33] = 50;
		expect(binsToDegrees(logits)).toBeCloseTo(0, 3);
		logits[33] = -50;
		logits[43] = 50;
		expect(binsToDegrees(logits)).toBeCloseTo(30, 3);
	});
});

describe('quality', () => {
	it('brightness is the mean grey level over 255', () => {
		expect(brightness(new Float32Array([0, 255]))).toBeCloseTo(0.5, 6);
	});

	it('a flat image has no sharpness, a checkerboard a lot', () => {
		const flat = new Float32Array(16 * 16).fill(128);
		const checker = Float32Array.from({ length: 256 }, (_, i) => (((i % 16) + (i >> 4)) % 2 ? 255 : 0));
		expect(laplacianVariance(flat, 16, 16)).toBe(0);
		expect(laplacianVariance(checker, 16, 16)).toBeGreaterThan(1000);
	});
});
