import { describe, expect, it } from 'vitest';
import { decodeDetections, letterbox, nms } from '../../../src/lib/core/face/detect.ts';
import { contextBox, iou } from '../../../src/lib/core/face/geometry.ts';
import { createImage } from '../../../src/lib/core/image/types.ts';

describe('letterbox', () => {
	it('fits a portrait frame into 320x240 without stretching and centres it', () => {
		const { image, placement } = letterbox(createImage(480, 640));
		expect(image.width).toBe(320);
		expect(image.height).toBe(240);
		expect(placement.scale).toBeCloseTo(240 / 640, 9);
		expect(placement.offsetY).toBe(0);
		expect(placement.offsetX).toBe(Math.floor((320 - 180) / 2));
		// Padding is mid-grey, which the detector's (v - 127) / 128 turns into 0.
		expect(image.data[0]).toBe(127);
	});

	it('adds a border when asked', () => {
		const { placement } = letterbox(createImage(320, 240), 0.25);
		expect(placement.scale).toBeCloseTo(1 / 1.5, 9);
		expect(placement.offsetX).toBeGreaterThan(50);
	});
});

describe('decodeDetections', () => {
	it('maps normalised canvas corners back to frame pixels and drops low scores', () => {
		const { placement } = letterbox(createImage(480, 640));
		// Two anchors: one confident face covering the left half of the placed frame, one below threshold.
		const scores = [0.05, 0.95, 0.9, 0.1];
		const x0 = placement.offsetX / 320;
		const x1 = (placement.offsetX + 90) / 320;
		const boxes = [x0, 0, x1, 0.5, 0, 0, 1, 1];
		const out = decodeDetections(scores, boxes, placement, 480, 640, 0.8);
		expect(out).toHaveLength(1);
		expect(out[0].score).toBeCloseTo(0.95, 6);
		expect(out[0].box.x).toBeCloseTo(0, 3);
		expect(out[0].box.y).toBeCloseTo(0, 3);
		expect(out[0].box.width).toBeCloseTo(240, 3);
		expect(out[0].box.height).toBeCloseTo(320, 3);
	});

	it('clips boxes to the frame', () => {
		const { placement } = letterbox(createImage(320, 240));
		const out = decodeDetections([0, 1], [-0.1, -0.1, 0.5, 0.5], placement, 320, 240, 0.5);
		expect(out[0].box.x).toBe(0);
		expect(out[0].box.y).toBe(0);
	});
});

describe('nms', () => {
	const d = (x: number, y: number, s: number, score: number) => ({
		box: { x, y, width: s, height: s },
		score
	});

	it('keeps the best of overlapping boxes and every separate one', () => {
		const kept = nms([d(0, 0, 100, 0.8), d(5, 5, 100, 0.95), d(300, 0, 100, 0.7)], 0.3);
		expect(kept.map((k) => k.score)).toEqual([0.95, 0.7]);
	});

	it('keeps touching but not overlapping boxes', () => {
		expect(nms([d(0, 0, 10, 0.9), d(10, 0, 10, 0.9)], 0.3)).toHaveLength(2);
	});
});

describe('geometry', () => {
	it('iou of identical boxes is 1 and of disjoint boxes 0', () => {
		const b = { x: 1, y: 2, width: 3, height: 4 };
		expect(iou(b, b)).toBe(1);
		expect(iou(b, { x: 10, y: 10, width: 1, height: 1 })).toBe(0);
	});

	it('contextBox grows about the centre but stays inside the image', () => {
		const c = contextBox({ x: 100, y: 100, width: 50, height: 50 }, 2, 640, 480);
		expect(c).toEqual({ x: 75, y: 75, width: 100, height: 100 });
		const edge = contextBox({ x: 0, y: 0, width: 100, height: 100 }, 2.7, 640, 480);
		expect(edge.x).toBe(0);
		expect(edge.y).toBe(0);
		expect(edge.width).toBeCloseTo(270, 6);
		const big = contextBox({ x: 100, y: 100, width: 300, height: 300 }, 2.7, 640, 480);
		expect(big.height).toBeLessThanOrEqual(479);
	});
});
