// plainImage: the pixels a pipeline's entry gets, as one object shape whatever the caller passed.
import { describe, expect, it } from 'vitest';
import { createImage, plainImage } from '../../../src/lib/core/image/types.ts';

describe('plainImage', () => {
	it('keeps the caller’s pixels (no copy) in an object of createImage’s shape', () => {
		const made = createImage(3, 2);
		// An ImageData-like object: another shape (extra property, other order).
		const frame = { colorSpace: 'srgb', data: made.data, height: 2, width: 3 };
		const plain = plainImage(frame);
		expect(Object.keys(plain)).toEqual(Object.keys(made));
		expect(plain.data).toBe(made.data);
		expect([plain.width, plain.height]).toEqual([3, 2]);
	});

	it('gives Uint8Array pixels as a Uint8ClampedArray view of the same memory', () => {
		const bytes = new Uint8Array(16 + 8).subarray(8);
		const plain = plainImage({ width: 2, height: 1, data: bytes });
		expect(plain.data).toBeInstanceOf(Uint8ClampedArray);
		expect(plain.data.buffer).toBe(bytes.buffer);
		expect(plain.data.byteOffset).toBe(8);
		bytes[3] = 200;
		expect(plain.data[3]).toBe(200);
	});
});
