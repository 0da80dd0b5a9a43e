// One mean of grey values for the frame probe (0..255) and the face engine (0..1): the two scales must agree.
import { describe, expect, it } from 'vitest';
import { brightness } from '../../../src/lib/core/face/quality.ts';
import { toGray } from '../../../src/lib/core/image/ops.ts';
import { meanBrightness, meanGrey } from '../../../src/lib/core/image/stats.ts';
import { createImage } from '../../../src/lib/core/image/types.ts';

describe('meanGrey', () => {
	it('averages grey values and gives 0 for none', () => {
		expect(meanGrey([0, 255, 60, 45])).toBe(90);
		expect(meanGrey(new Float32Array(0))).toBe(0);
	});

	it('is the frame probe’s brightness on 0..255 and the face engine’s on 0..1', () => {
		const image = createImage(4, 2);
		for (let i = 0; i < image.data.length; i += 4) image.data.set([i * 7, i * 3, 200 - i, 255], i);
		const gray = toGray(image);
		expect(meanBrightness(image)).toBe(meanGrey(gray));
		expect(brightness(Float32Array.from(gray))).toBeCloseTo(meanGrey(gray) / 255, 12);
	});
});
