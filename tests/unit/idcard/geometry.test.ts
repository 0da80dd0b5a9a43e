import { describe, expect, it } from 'vitest';
import {
	applyHomography,
	homographyFromPoints,
	warpPerspective
} from '../../../src/lib/core/idcard/geometry.ts';
import { locateCard } from '../../../src/lib/core/idcard/locate.ts';
import { createImage } from '../../../src/lib/core/image/types.ts';

describe('homography', () => {
	it('maps the four source points onto the four targets, and lines stay lines', () => {
		const src = [
			{ x: 0, y: 0 },
			{ x: 100, y: 0 },
			{ x: 100, y: 60 },
			{ x: 0, y: 60 }
		];
		const dst = [
			{ x: 12, y: 20 },
			{ x: 130, y: 5 },
			{ x: 140, y: 90 },
			{ x: 5, y: 80 }
		];
		const h = homographyFromPoints(src, dst);
		src.forEach((p, i) => {
			const q = applyHomography(h, p);
			expect(q.x).toBeCloseTo(dst[i].x, 6);
			expect(q.y).toBeCloseTo(dst[i].y, 6);
		});
		const mid = applyHomography(h, { x: 50, y: 0 });
		const cross = (dst[1].x - dst[0].x) * (mid.y - dst[0].y) - (dst[1].y - dst[0].y) * (mid.x - dst[0].x);
		expect(Math.abs(cross)).toBeLessThan(1e-6);
	});
});

describe('card location on a drawn scene', () => {
	it('finds the corners of a pale tilted quadrilateral on a dark table and rectifies it', () => {
		const img = createImage(400, 300);
		const corners = [
			{ x: 60, y: 70 },
			{ x: 330, y: 50 },
			{ x: 345, y: 220 },
			{ x: 70, y: 240 }
		];
		const toUnit = homographyFromPoints(corners, [
			{ x: 0, y: 0 },
			{ x: 1, y: 0 },
			{ x: 1, y: 1 },
			{ x: 0, y: 1 }
		]);
		for (let y = 0; y < 300; y++) {
			for (let x = 0; x < 400; x++) {
				const u = applyHomography(toUnit, { x: x + 0.5, y: y + 0.5 });
				const inside = u.x >= 0 && u.x <= 1 && u.y >= 0 && u.y <= 1;
				const o = (y * 400 + x) * 4;
				img.data.set(inside ? [235, 240, 242, 255] : [110, 75, 45, 255], o);
			}
		}
		const r = locateCard(img);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		r.location.corners.forEach((p, i) => {
			expect(Math.hypot(p.x - corners[i].x, p.y - corners[i].y)).toBeLessThan(3);
		});
		const card = warpPerspective(img, r.location.corners, 100, 63);
		expect(card.data[(31 * 100 + 50) * 4]).toBe(235);
	});

	it('refuses an empty frame', () => {
		const img = createImage(200, 150);
		img.data.fill(90);
		expect(locateCard(img).ok).toBe(false);
	});
});
