import { describe, expect, it } from 'vitest';
import { compareFaces, cosineSimilarity, FACE_MATCH, l2normalize } from '../../../src/lib/core/face/match.ts';

const emb = (v: number[], modelId = 'face.feature') => ({ vector: Float32Array.from(v), modelId });

describe('cosine similarity', () => {
	it('is 1 for parallel, 0 for orthogonal, -1 for opposite vectors', () => {
		expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 6);
		expect(cosineSimilarity([1, 0], [0, 5])).toBeCloseTo(0, 6);
		expect(cosineSimilarity([1, -1], [-2, 2])).toBeCloseTo(-1, 6);
	});

	it('returns 0 for a zero vector instead of NaN', () => {
		expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
	});

	it('throws on length mismatch', () => {
		expect(() => cosineSimilarity([1, 2], [1, 2, 3])).toThrow(/mismatch/);
	});

	it('l2normalize gives unit length', () => {
		const n = l2normalize(Float32Array.from([3, 4]));
		expect(Math.hypot(n[0], n[1])).toBeCloseTo(1, 6);
	});
});

describe('compareFaces', () => {
	it('decides with the calibrated threshold by default', () => {
		const r = compareFaces(emb([1, 0]), emb([1, 0]));
		expect(r).toEqual({ similarity: expect.closeTo(1, 6), threshold: FACE_MATCH.match, match: true });
		expect(compareFaces(emb([1, 0]), emb([0, 1])).match).toBe(false);
	});

	it('accepts a stricter threshold', () => {
		const a = emb([1, 0]);
		const b = emb([Math.cos(1), Math.sin(1)]); // cos = 0.54
		expect(compareFaces(a, b).match).toBe(true);
		expect(compareFaces(a, b, FACE_MATCH.strict).match).toBe(false);
	});

	it('refuses to compare embeddings of different models', () => {
		expect(() => compareFaces(emb([1]), emb([1], 'other'))).toThrow(/cannot compare/);
	});

	it('keeps strict above match', () => {
		expect(FACE_MATCH.strict).toBeGreaterThan(FACE_MATCH.match);
	});
});
