import { describe, expect, it } from 'vitest';
import {
	alignFace,
	applyAffine,
	ARCFACE_TEMPLATE,
	invertAffine,
	similarityTransform
} from '../../../src/lib/core/face/align.ts';
import { createImage } from '../../../src/lib/core/image/types.ts';

/** Rotates by `deg`, scales by `s`, then shifts: a known similarity to recover. */
function knownSimilarity(p: { x: number; y: number }, deg: number, s: number, tx: number, ty: number) {
	const r = (deg * Math.PI) / 180;
	return {
		x: s * (Math.cos(r) * p.x - Math.sin(r) * p.y) + tx,
		y: s * (Math.sin(r) * p.x + Math.cos(r) * p.y) + ty
	};
}

describe('similarityTransform', () => {
	it('recovers a known rotation, scale and shift exactly', () => {
		const moved = ARCFACE_TEMPLATE.map((p) => knownSimilarity(p, 20, 2.5, 100, -40));
		const m = similarityTransform(ARCFACE_TEMPLATE, moved);
		ARCFACE_TEMPLATE.forEach((p, i) => {
			const q = applyAffine(m, p);
			expect(q.x).toBeCloseTo(moved[i].x, 6);
			expect(q.y).toBeCloseTo(moved[i].y, 6);
		});
	});

	it('does not shear: equal scale on both axes and orthogonal rotation', () => {
		const noisy = ARCFACE_TEMPLATE.map((p, i) => ({ x: p.x * 3 + (i % 2), y: p.y * 1.7 - i }));
		const [a, b, , d, e] = similarityTransform(noisy, ARCFACE_TEMPLATE);
		expect(a).toBeCloseTo(e, 10);
		expect(b).toBeCloseTo(-d, 10);
	});

	it('inverts back to the identity', () => {
		const m = similarityTransform(
			ARCFACE_TEMPLATE,
			ARCFACE_TEMPLATE.map((p) => knownSimilarity(p, -35, 0.7, 3, 9))
		);
		const p = { x: 12.5, y: -7 };
		const back = applyAffine(invertAffine(m), applyAffine(m, p));
		expect(back.x).toBeCloseTo(p.x, 9);
		expect(back.y).toBeCloseTo(p.y, 9);
	});

	it('refuses coincident points', () => {
		const same = Array.from({ length: 5 }, () => ({ x: 1, y: 1 }));
		expect(() => similarityTransform(same, ARCFACE_TEMPLATE)).toThrow();
	});
});

describe('alignFace', () => {
	it('puts a marked keypoint onto its template position in the 112x112 output', () => {
		// A 400x300 image with a white dot at the image-left eye of a face scaled 2x, rotated 10 degrees.
		const img = createImage(400, 300);
		const keypoints = ARCFACE_TEMPLATE.map((p) => knownSimilarity(p, 10, 2, 120, 40));
		const eye = keypoints[0];
		for (let y = -2; y <= 2; y++)
			for (let x = -2; x <= 2; x++) {
				const i = ((Math.round(eye.y) + y) * 400 + Math.round(eye.x) + x) * 4;
				img.data.fill(255, i, i + 3);
			}
		const out = alignFace(img, keypoints);
		expect(out.width).toBe(112);
		const at = (x: number, y: number) => out.data[(Math.round(y) * 112 + Math.round(x)) * 4];
		expect(at(ARCFACE_TEMPLATE[0].x, ARCFACE_TEMPLATE[0].y)).toBeGreaterThan(200);
		expect(at(ARCFACE_TEMPLATE[1].x, ARCFACE_TEMPLATE[1].y)).toBe(0);
	});
});
