// The detector's field areas: the same pixel scale as a whole-card run, inside the card, around the text rows.
import { describe, expect, it } from 'vitest';
import { fieldArea } from '../../../src/lib/core/idcard/field-areas.ts';

describe('fieldArea (rectified 856x540 card, whole-card detector input 640x416)', () => {
	it('keeps the whole-card pixel scale on both axes, with input dims multiples of 32', () => {
		for (const side of ['portrait', 'emblem'] as const) {
			const { region, width, height } = fieldArea(side, 856, 540, 640, 416);
			expect(width % 32).toBe(0);
			expect(height % 32).toBe(0);
			expect(width / region.width).toBeCloseTo(640 / 856, 9);
			expect(height / region.height).toBeCloseTo(416 / 540, 9);
			expect(region.x).toBeGreaterThanOrEqual(0);
			expect(region.y).toBeGreaterThanOrEqual(0);
			expect(region.x + region.width).toBeLessThanOrEqual(856 + 1e-9);
			expect(region.y + region.height).toBeLessThanOrEqual(540 + 1e-9);
		}
	});

	it('covers each side’s text rows with a margin and is much smaller than the card', () => {
		const portrait = fieldArea('portrait', 856, 540, 640, 416);
		// Rows from the name (top ~75 px) to the number (bottom ~470 px); the number's right end varies with its
		// print pitch up to ~810 px, so the area runs to the card's edge.
		expect(portrait.region.y).toBeLessThan(75 - 20);
		expect(portrait.region.y + portrait.region.height).toBeGreaterThan(470 + 20);
		expect(portrait.region.x + portrait.region.width).toBeGreaterThan(856 - 1);
		expect(portrait.width * portrait.height).toBeLessThan(0.9 * 640 * 416);
		const emblem = fieldArea('emblem', 856, 540, 640, 416);
		// 签发机关 and 有效期限 at ~396-487 px.
		expect(emblem.region.y).toBeLessThan(396 - 40);
		expect(emblem.region.y + emblem.region.height).toBeGreaterThan(487 + 40);
		expect(emblem.width * emblem.height).toBeLessThan(0.4 * 640 * 416);
	});
});
