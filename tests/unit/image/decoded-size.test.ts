// The size an album picture is drawn at before reading: unchanged up to a 12 MP still, larger ones scaled to fit
// under it (and so under Safari's 16,777,216-pixel canvas), their shape kept.
import { describe, expect, it } from 'vitest';
import { decodedSize, MAX_DECODED_PIXELS } from '../../../src/lib/core/image/decoded-size.ts';

/** Safari's largest drawable canvas, in pixels. */
const SAFARI_CANVAS_PIXELS = 16_777_216;

describe('decodedSize', () => {
	it('keeps a picture of 12 MP or less as it is', () => {
		expect(decodedSize(4032, 3024)).toEqual({ width: 4032, height: 3024 });
		expect(decodedSize(3024, 4032)).toEqual({ width: 3024, height: 4032 });
		expect(decodedSize(480, 640)).toEqual({ width: 480, height: 640 });
	});

	it.each([
		[5712, 4284], // an iPhone 15's default 24 MP still
		[4284, 5712],
		[8160, 6120], // 50 MP
		[12000, 9000], // 108 MP
		[16320, 12240] // 200 MP
	])('scales a %ix%i still under 12 MP and Safari’s canvas, keeping its shape', (width, height) => {
		const size = decodedSize(width, height);
		expect(size.width * size.height).toBeLessThanOrEqual(MAX_DECODED_PIXELS);
		expect(size.width * size.height).toBeLessThan(SAFARI_CANVAS_PIXELS);
		expect(size.width * size.height).toBeGreaterThan(MAX_DECODED_PIXELS * 0.99);
		expect(Math.abs(size.width / size.height - width / height)).toBeLessThan(0.002);
	});

	it('never gives a side of no pixels, however long and thin the picture', () => {
		const size = decodedSize(100_000_000, 1);
		expect(size.height).toBe(1);
		expect(size.width * size.height).toBeLessThanOrEqual(MAX_DECODED_PIXELS);
		const tall = decodedSize(1, 100_000_000);
		expect(tall.width).toBe(1);
		expect(tall.width * tall.height).toBeLessThanOrEqual(MAX_DECODED_PIXELS);
	});
});
