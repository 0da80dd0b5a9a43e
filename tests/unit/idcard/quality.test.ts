// Capture quality judged on the rectified card: a saturated patch with no print in it over a printed stretch is
// glare; an evenly bright card whose print shows is not.
import { describe, expect, it } from 'vitest';
import { PRINT_AREAS } from '../../../src/lib/core/idcard/field-areas.ts';
import {
	cardLuma,
	hiddenInValues,
	measureQuality,
	qualityReasons
} from '../../../src/lib/core/idcard/quality.ts';
import { createImage, type RgbaImage } from '../../../src/lib/core/image/types.ts';

const W = 856;
const H = 540;

/** A rectified card with blown-out paper (255, or `paper`) and dark strokes every 12 px along every printed stretch. */
function brightCard(side: 'portrait' | 'emblem', paper = 255): RgbaImage {
	const img = createImage(W, H);
	img.data.fill(paper);
	for (const a of PRINT_AREAS[side]) {
		for (let y = Math.round(a.y0 * H); y < Math.round(a.y1 * H); y++) {
			for (let x = Math.round(a.x0 * W); x < Math.round(a.x1 * W); x++) {
				if (x % 12 < 3 || y % 14 < 2) img.data.set([20, 20, 20], (y * W + x) * 4);
			}
		}
	}
	return img;
}

/** Paints a saturated ellipse (a lamp's reflection) centred at (cx, cy) card pixels. */
function reflection(img: RgbaImage, cx: number, cy: number, rx: number, ry: number): void {
	for (let y = 0; y < H; y++)
		for (let x = 0; x < W; x++)
			if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1) img.data.set([255, 255, 255], (y * W + x) * 4);
}

describe('measureQuality', () => {
	it('does not call an evenly bright card with visible print glare', () => {
		for (const side of ['portrait', 'emblem'] as const) {
			const q = measureQuality(brightCard(side), side);
			expect(q.overexposure).toBeGreaterThan(0.8);
			expect(q.glare).toBeLessThan(0.1);
			expect(q.glareOver).toEqual([]);
			expect(qualityReasons(q).map((r) => r.code)).not.toContain('capture.glare');
		}
	});

	it('finds a reflection over the number and names the field it hides', () => {
		const card = brightCard('portrait');
		reflection(card, 560, 450, 70, 40);
		const q = measureQuality(card, 'portrait');
		expect(q.glare).toBeGreaterThan(0.8);
		expect(q.glareOver).toEqual(['idNumber']);
		expect(qualityReasons(q)[0].code).toBe('capture.glare');
	});

	it('ignores a reflection on blank paper, away from any print', () => {
		const card = brightCard('portrait');
		reflection(card, 800, 500, 40, 25);
		expect(measureQuality(card, 'portrait').glareOver).toEqual([]);
		expect(measureQuality(card, 'portrait').hiddenIn).toEqual([]);
	});

	it('names a field when a weak reflection hides a few of its characters, without refusing the card', () => {
		// Over the authority's line: too small to cover half of a printed stretch (the card is not refused as
		// glare), wide enough to hide two characters (巴中市公安局 read 巴中市).
		const card = brightCard('emblem', 225);
		reflection(card, 400, 410, 40, 30);
		const q = measureQuality(card, 'emblem');
		expect(q.glareOver).toEqual([]);
		expect(qualityReasons(q).map((r) => r.code)).not.toContain('capture.glare');
		expect(q.hiddenIn).toEqual(['authority']);
		// Along the value where the reader found it: a reflection in the gap between two boxes of one row.
		const gap = brightCard('emblem', 225);
		reflection(gap, 560, 410, 30, 30);
		const boxes = [
			{ x: 290, y: 396, width: 230, height: 28 },
			{ x: 600, y: 396, width: 100, height: 28 }
		];
		expect(hiddenInValues(cardLuma(gap), measureQuality(gap, 'emblem'), { authority: boxes })).toEqual([
			'authority'
		]);
		expect(hiddenInValues(cardLuma(brightCard('emblem', 225)), q, { authority: boxes })).toEqual([]);
	});

	it('names no field on an overexposed card, whose blank paper is as white as a reflection', () => {
		const card = brightCard('emblem');
		reflection(card, 400, 410, 40, 30);
		const q = measureQuality(card, 'emblem');
		expect(q.overexposure).toBeGreaterThan(0.5);
		expect(q.hiddenIn).toEqual([]);
		const boxes = [{ x: 290, y: 396, width: 400, height: 28 }];
		expect(hiddenInValues(cardLuma(card), q, { authority: boxes })).toEqual([]);
	});

	it('does not name a field for a reflection narrower than a character', () => {
		const card = brightCard('emblem', 225);
		reflection(card, 400, 410, 9, 30);
		expect(measureQuality(card, 'emblem').hiddenIn).toEqual([]);
		expect(measureQuality(brightCard('portrait', 225), 'portrait').hiddenIn).toEqual([]);
	});
});
