import { describe, expect, it } from 'vitest';
import { kthSmallest } from '../../../src/lib/core/image/stats.ts';

/** A small deterministic generator, so a failure names the array it failed on. */
function lcg(seed: number) {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('kthSmallest', () => {
	it('gives what a sort puts at every index, on random, repeated, sorted and constant values', () => {
		const next = lcg(7);
		const arrays: Float32Array[] = [
			Float32Array.from({ length: 257 }, () => next() * 255),
			Float32Array.from({ length: 300 }, () => Math.floor(next() * 4)),
			Float32Array.from({ length: 100 }, (_, i) => i),
			Float32Array.from({ length: 100 }, (_, i) => 100 - i),
			new Float32Array(64).fill(128),
			Float32Array.of(3)
		];
		for (const values of arrays) {
			const sorted = Float32Array.from(values).sort();
			for (let k = 0; k < values.length; k++) expect(kthSmallest(values, k)).toBe(sorted[k]);
		}
	});

	it('leaves its input as it was', () => {
		const values = Float32Array.of(5, 1, 4, 2, 3);
		kthSmallest(values, 2);
		expect(Array.from(values)).toEqual([5, 1, 4, 2, 3]);
	});
});
