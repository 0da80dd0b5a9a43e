import { describe, expect, it } from 'vitest';
import type { FaceMeasurement } from '../../../src/lib/core/face/types.ts';
import { createImage, type RgbaImage } from '../../../src/lib/core/image/types.ts';
import { composePhoto, frameHead } from '../../../src/lib/core/photo/compose.ts';
import { headGeometry } from '../../../src/lib/core/photo/head.ts';
import { personAlphaAt, segmentByColour } from '../../../src/lib/core/photo/segment.ts';
import { hubeiPhotoSpec as spec } from '../../../src/lib/core/photo/spec.ts';

/** A grey backdrop with a dark "head" ellipse and shoulders: a drawn portrait with known geometry. */
function portrait(): { image: RgbaImage; m: FaceMeasurement } {
	const w = 300;
	const h = 400;
	const image = createImage(w, h);
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			const head = ((x - 150) / 55) ** 2 + ((y - 160) / 75) ** 2 <= 1; // crown at y = 85, chin at 235
			const neck = y >= 200 && y < 250 && Math.abs(x - 150) <= 30;
			const body = y >= 250 && Math.abs(x - 150) <= 120;
			const rgb = head || neck ? [200, 150, 120] : body ? [30, 30, 60] : [205, 208, 210];
			image.data.set([...rgb, 255], (y * w + x) * 4);
		}
	const m: FaceMeasurement = {
		t: 0,
		faceCount: 1,
		face: {
			box: { x: 105, y: 110, width: 90, height: 125 },
			score: 1,
			keypoints: [
				{ x: 130, y: 155 },
				{ x: 170, y: 155 }
			]
		}
	};
	return { image, m };
}

describe('colour-region segmentation and framing', () => {
	it('separates a plain backdrop from the person and finds the crown on the silhouette', () => {
		const { image, m } = portrait();
		const mask = segmentByColour(image, m.face!.box);
		expect(mask.method).toBe('colour-region');
		expect(mask.borderCoverage).toBeGreaterThan(0.9);
		expect(personAlphaAt(mask, 10, 10)).toBeLessThan(0.1);
		expect(personAlphaAt(mask, 150, 160)).toBeGreaterThan(0.9);
		expect(personAlphaAt(mask, 150, 350)).toBeGreaterThan(0.9);
		const g = headGeometry(m, image.width, (x, y) => personAlphaAt(mask, x, y) >= 0.5)!;
		expect(g.crownFrom).toBe('silhouette');
		expect(Math.abs(g.crownY - 85)).toBeLessThanOrEqual(4);
	});

	it('frames the head at the spec proportions and paints the backdrop blue', () => {
		const { image, m } = portrait();
		const mask = segmentByColour(image, m.face!.box);
		const g = headGeometry(m, image.width, (x, y) => personAlphaAt(mask, x, y) >= 0.5)!;
		const framing = frameHead(g, image.width, image.height, spec);
		const out = composePhoto(image, mask, framing, spec);
		expect([out.width, out.height]).toEqual([480, 640]);
		const px = (x: number, y: number) =>
			Array.from(out.data.subarray((y * 480 + x) * 4, (y * 480 + x) * 4 + 3));
		expect(px(10, 10)).toEqual([...spec.background.fill]);
		// crown margin: the rows above the crown are backdrop, the head starts near the target margin
		const crownRow = Math.round(spec.head.targetCrownMargin * 640);
		expect(px(240, crownRow - 16)).toEqual([...spec.background.fill]);
		expect(px(240, crownRow + 20)).toEqual([200, 150, 120]);
		expect(framing.chinToCrown).toBeGreaterThanOrEqual(spec.head.chinToCrownMin);
		expect(framing.chinToCrown).toBeLessThanOrEqual(spec.head.chinToCrownMax);
	});
});
