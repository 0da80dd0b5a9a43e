// The background statistics were made cheaper (a table for sRGB->linear, typed arrays instead of an object per
// pixel, a zone mask filled row by row): these compare them with the plain per-pixel formulas they replaced.
import { describe, expect, it } from 'vitest';
import { deltaE, linear, rgbToHsv, rgbToLab, type Lab } from '../../../src/lib/core/image/colour.ts';
import { createImage, type Box, type RgbaImage } from '../../../src/lib/core/image/types.ts';
import {
	backgroundStats,
	backgroundZones,
	isBackgroundColour
} from '../../../src/lib/core/photo/background.ts';
import { hubeiPhotoSpec } from '../../../src/lib/core/photo/spec.ts';

/** The sRGB transfer function as written in IEC 61966-2-1, computed every time. */
const linearFormula = (c: number) => {
	const v = c / 255;
	return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A noisy blue-ish photo with a darker blob where a head would be. */
function noisyPhoto(width: number, height: number, seed: number): RgbaImage {
	const next = random(seed);
	const img = createImage(width, height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const head = Math.hypot(x - width / 2, y - height * 0.45) < width * 0.25;
			const o = (y * width + x) * 4;
			img.data[o] = head ? 120 + next() * 80 : 30 + next() * 60;
			img.data[o + 1] = head ? 90 + next() * 60 : 90 + next() * 70;
			img.data[o + 2] = head ? 70 + next() * 40 : 170 + next() * 85;
			img.data[o + 3] = 255;
		}
	}
	return img;
}

/** The zone rule of backgroundZones, pixel by pixel over the whole image. */
function zonesByPixel(width: number, height: number, face: Box | null, eyeY?: number): Uint8Array {
	const zone = new Uint8Array(width * height);
	const topRows = Math.max(4, Math.round(height * 0.06));
	const sideCols = Math.max(4, Math.round(width * 0.08));
	const sideBottom = Math.round(face ? (eyeY ?? face.y + face.height * 0.4) : height * 0.5);
	const headLeft = face ? face.x - face.width * 0.4 : Infinity;
	const headRight = face ? face.x + face.width * 1.4 : -Infinity;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const inSide = y < sideBottom && (x < sideCols || x >= width - sideCols);
			if ((y < topRows || inSide) && !(x >= headLeft && x <= headRight)) zone[y * width + x] = 1;
		}
	}
	return zone;
}

/** The statistics with an object per pixel and Math.hypot, as they were computed before. */
function statsByPixel(image: RgbaImage, mask: Uint8Array, step = 2) {
	const d = image.data;
	const labs: Lab[] = [];
	let inside = 0;
	for (let i = 0; i < mask.length; i += step) {
		if (!mask[i]) continue;
		const o = i * 4;
		labs.push(rgbToLab(d[o], d[o + 1], d[o + 2]));
		const { h, s, v } = rgbToHsv(d[o], d[o + 1], d[o + 2]);
		const bg = hubeiPhotoSpec.background;
		if (h >= bg.hueMin && h <= bg.hueMax && s >= bg.minSaturation && v >= bg.minValue) inside++;
	}
	const n = labs.length;
	const meanLab = {
		l: labs.reduce((s, p) => s + p.l, 0) / n,
		a: labs.reduce((s, p) => s + p.a, 0) / n,
		b: labs.reduce((s, p) => s + p.b, 0) / n
	};
	return {
		count: n,
		meanLab,
		spreadDeltaE: labs.reduce((s, p) => s + deltaE(p, meanLab), 0) / n,
		insideShare: inside / n
	};
}

describe('sRGB to linear table', () => {
	it('gives exactly the formula for every byte value', () => {
		for (let c = 0; c < 256; c++) expect(linear(c)).toBe(linearFormula(c));
	});

	it('still computes values that are not bytes (means, out-of-range input)', () => {
		for (const c of [0.5, 127.25, 254.9, -1, 300]) expect(linear(c)).toBe(linearFormula(c));
	});

	it('rgbToLab of known colours (white L=100, black L=0, sRGB blue)', () => {
		expect(rgbToLab(255, 255, 255).l).toBeCloseTo(100, 2);
		expect(rgbToLab(0, 0, 0)).toEqual({ l: 0, a: 0, b: 0 });
		const blue = rgbToLab(0, 0, 255);
		expect(blue.l).toBeCloseTo(32.3, 1);
		expect(blue.b).toBeCloseTo(-107.9, 1);
	});
});

describe('background zones and statistics', () => {
	const cases: [string, number, number, Box | null, number | undefined][] = [
		['no face', 480, 640, null, undefined],
		['face and eye line', 480, 640, { x: 160.4, y: 180.7, width: 160.2, height: 200 }, 266.6],
		['face without eye line', 358, 441, { x: 100, y: 90, width: 150, height: 190 }, undefined],
		['face off the left edge', 200, 260, { x: -30, y: 40, width: 120, height: 150 }, 90],
		['tiny image (bands wider than half)', 30, 20, null, undefined]
	];

	it.each(cases)('%s: the mask is the per-pixel rule exactly', (_name, w, h, face, eyeY) => {
		const mask = backgroundZones(w, h, face, eyeY);
		const expected = zonesByPixel(w, h, face, eyeY);
		// The first pixel where they differ (-1: none); comparing element by element in expect() takes seconds.
		expect(mask.length).toBe(expected.length);
		expect(mask.findIndex((v, i) => v !== expected[i])).toBe(-1);
		expect(mask.some((v) => v === 1)).toBe(true);
	});

	it.each(cases)(
		'%s: statistics equal the per-pixel ones (within float rounding)',
		(_name, w, h, face, eyeY) => {
			const image = noisyPhoto(w, h, w * 7 + h);
			const mask = zonesByPixel(w, h, face, eyeY);
			const fast = backgroundStats(image, mask, hubeiPhotoSpec.background);
			const slow = statsByPixel(image, mask);
			expect(fast.count).toBe(slow.count);
			expect(fast.insideShare).toBe(slow.insideShare);
			// Same additions in the same order: the means are identical, the spread (sqrt vs hypot) within rounding.
			expect(fast.meanLab).toEqual(slow.meanLab);
			expect(fast.spreadDeltaE).toBeCloseTo(slow.spreadDeltaE, 12);
			expect(fast.spreadDeltaE).toBeGreaterThan(1);
			expect(fast.insideShare).toBeGreaterThan(0.5);
		}
	);

	it('isBackgroundColour is the HSV window of rgbToHsv for every grey and a sample of colours', () => {
		const bg = hubeiPhotoSpec.background;
		const next = random(42);
		const byHsv = (r: number, g: number, b: number) => {
			const { h, s, v } = rgbToHsv(r, g, b);
			return h >= bg.hueMin && h <= bg.hueMax && s >= bg.minSaturation && v >= bg.minValue;
		};
		let inside = 0;
		for (let i = 0; i < 20_000; i++) {
			const [r, g, b] = i < 256 ? [i, i, i] : [0, 0, 0].map(() => Math.floor(next() * 256));
			expect(isBackgroundColour(r, g, b, bg)).toBe(byHsv(r, g, b));
			if (byHsv(r, g, b)) inside++;
		}
		// Both answers occur, so the comparison covers each side of the window.
		expect(inside).toBeGreaterThan(100);
		expect(inside).toBeLessThan(19_000);
	});

	it('a background of few colours (the colour cache hits) gives the per-pixel statistics too', () => {
		const image = noisyPhoto(480, 640, 9);
		// Quantised to 8 levels a channel: a few hundred distinct colours, as on a compliant backdrop.
		for (let i = 0; i < image.data.length; i++) if (i % 4 !== 3) image.data[i] &= 0xe0;
		const mask = zonesByPixel(480, 640, null);
		const fast = backgroundStats(image, mask, hubeiPhotoSpec.background);
		const slow = statsByPixel(image, mask);
		expect(fast.meanLab).toEqual(slow.meanLab);
		expect(fast.insideShare).toBe(slow.insideShare);
		expect(fast.spreadDeltaE).toBeCloseTo(slow.spreadDeltaE, 12);
	});

	it('an empty mask gives zero statistics', () => {
		const stats = backgroundStats(noisyPhoto(10, 10, 1), new Uint8Array(100), hubeiPhotoSpec.background);
		expect(stats.count).toBe(0);
		expect(stats.spreadDeltaE).toBe(0);
	});
});
