import { describe, expect, it } from 'vitest';
import { alignFace, alignmentInverse, ARCFACE_TEMPLATE } from '../../../src/lib/core/face/align.ts';
import { rgbToChw, sampleRegion } from '../../../src/lib/core/face/sample.ts';
import { bilinearToChw, sampleToChw, warpToChw } from '../../../src/lib/core/face/tensor-crops.ts';
import { toChwTensor } from '../../../src/lib/core/image/ops.ts';
import { createImage, type RgbaImage } from '../../../src/lib/core/image/types.ts';

/** A deterministic noisy image: every pixel differs, so any mix-up of taps, channels or planes shows. */
function noise(width: number, height: number, seed: number): RgbaImage {
	const img = createImage(width, height);
	let s = seed;
	for (let i = 0; i < img.data.length; i++) {
		s = (s * 1103515245 + 12345) >>> 0;
		img.data[i] = s >>> 24;
	}
	return img;
}

/** Index of the first element that differs (bit for bit), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
	expect(a.length).toBe(b.length);
	for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
	return -1;
}

describe('warpToChw (aligned embedding crop)', () => {
	const img = noise(160, 120, 7);
	// Keypoints of a face inside the frame, one rotated and partly outside, and one enlarged (upsampling).
	const faces = [
		ARCFACE_TEMPLATE.map((p) => ({ x: p.x * 0.9 + 20, y: p.y * 0.8 + 5 })),
		ARCFACE_TEMPLATE.map((p) => ({ x: 150 - p.y * 0.7, y: p.x * 1.3 - 30 })),
		ARCFACE_TEMPLATE.map((p) => ({ x: p.x * 0.3 + 60.25, y: p.y * 0.3 + 40.75 }))
	];
	for (const [i, keypoints] of faces.entries())
		for (const order of ['bgr', 'rgb'] as const)
			it(`equals alignFace -> toChwTensor bit for bit (face ${i}, ${order})`, () => {
				const generic = toChwTensor(alignFace(img, keypoints), { order, mean: 127, std: 128 });
				const fused = warpToChw(img, alignmentInverse(keypoints), 112, order, 127, 128);
				expect(firstDifference(fused, generic)).toBe(-1);
			});
});

describe('bilinearToChw (anti-spoof crop)', () => {
	const img = noise(97, 131, 3);
	const boxes = [
		{ x: 10.3, y: 12.7, width: 70.2, height: 70.2 },
		{ x: -20.5, y: 90, width: 130, height: 60 },
		{ x: 40.1, y: 50.9, width: 20, height: 20 }
	];
	for (const [i, box] of boxes.entries())
		for (const order of ['bgr', 'rgb'] as const)
			it(`equals sampleRegion(bilinear) -> rgbToChw bit for bit (box ${i}, ${order})`, () => {
				const generic = rgbToChw(sampleRegion(img, box, 128, 128, 0, 'bilinear'), order, 0, 1);
				expect(firstDifference(bilinearToChw(img, box, 128, 128, order, 0, 1), generic)).toBe(-1);
				const normalised = rgbToChw(sampleRegion(img, box, 64, 48, 9, 'bilinear'), order, 127, 128);
				expect(firstDifference(bilinearToChw(img, box, 64, 48, order, 127, 128, 9), normalised)).toBe(-1);
			});
});

describe('sampleToChw (detector input)', () => {
	const img = noise(120, 160, 11);
	// The detector's letterbox region of a portrait frame (reaching past both sides), a shrink inside the frame, a
	// box partly above the frame, and an enlargement (bilinear).
	const boxes = [
		{ x: -46.67, y: 0, width: 213.33, height: 160 },
		{ x: 5.5, y: 7.25, width: 100.3, height: 90.1 },
		{ x: 30, y: -40.5, width: 80, height: 100 },
		{ x: 20.2, y: 30.6, width: 40, height: 30 }
	];
	for (const [i, box] of boxes.entries())
		for (const order of ['rgb', 'bgr'] as const)
			it(`equals sampleRegion -> rgbToChw bit for bit (box ${i}, ${order})`, () => {
				const generic = rgbToChw(sampleRegion(img, box, 80, 60, 127), order, 127, 128);
				expect(firstDifference(sampleToChw(img, box, 80, 60, order, 127, 128, 127), generic)).toBe(-1);
				// Pixels that do not start on a 4-byte boundary (a view into a larger buffer) take the byte path, which
				// must sum what the word path sums.
				const shifted = new Uint8ClampedArray(img.data.length + 1);
				shifted.set(img.data, 1);
				const unaligned = { ...img, data: shifted.subarray(1) };
				expect(firstDifference(sampleToChw(unaligned, box, 80, 60, order, 127, 128, 127), generic)).toBe(-1);
				const bytewise = sampleRegion(unaligned, box, 80, 60, 127);
				expect(firstDifference(bytewise, sampleRegion(img, box, 80, 60, 127))).toBe(-1);
			});
});
