// The one liveness judge's own reasons, on made-up observations: what no single check below it decides.
import { describe, expect, it } from 'vitest';
import type { FaceMeasurement } from '../../../src/lib/core/face/types.ts';
import { DEFAULT_THRESHOLDS } from '../../../src/lib/core/policy/thresholds.ts';
import { judgeLiveness, type Presence } from '../../../src/lib/core/liveness/index.ts';
import { regionMean, skinRegion } from '../../../src/lib/core/liveness/colour.ts';

const options = {
	faceMatchThreshold: DEFAULT_THRESHOLDS.faceMatch.value,
	antiSpoofThreshold: DEFAULT_THRESHOLDS.antiSpoof.value
};
const live = [1, 2, 3].map((t) => ({ t: t * 500, embedding: new Float32Array([1, 0]), live: 0.99 }));
const face = { box: { x: 0, y: 0, width: 100, height: 100 }, score: 0.9 } as FaceMeasurement['face'];
const frames: FaceMeasurement[] = Array.from({ length: 40 }, (_, i) => ({ t: i * 80, faceCount: 1, face }));
const everyFrameAFace: Presence = { frames: 40, faceFrames: 40, multiFrames: 0 };
const reading = (audio: null, motions: number[], presence = everyFrameAFace) =>
	judgeLiveness({ kind: 'digits', frames, audio, samples: live, presence, motions }, options).reasons.map(
		(r) => r.code
	);

describe('judgeLiveness', () => {
	it('a reading with no microphone audio is no_voice, with a verdict of the digit check', () => {
		expect(reading(null, [1, 1, 1])).toEqual(['no_voice']);
	});
	it('a picture that does not change is a still image; too few changes say nothing', () => {
		expect(reading(null, [0.1, 0, 0.2])).toContain('still_image');
		expect(reading(null, [0, 0])).not.toContain('still_image');
	});
	it('three frames with a second face are multiple_faces, reported first', () => {
		expect(reading(null, [1, 1, 1], { frames: 40, faceFrames: 37, multiFrames: 3 })[0]).toBe(
			'multiple_faces'
		);
	});
});

describe('skinRegion', () => {
	const box = { x: 100, y: 50, width: 200, height: 240 };
	it('lies inside the face box, between the eyes and the mouth the keypoints place', () => {
		const keypoints = [
			{ x: 150, y: 140 },
			{ x: 250, y: 140 },
			{ x: 200, y: 190 },
			{ x: 160, y: 240 },
			{ x: 240, y: 240 }
		];
		const r = skinRegion({ box, keypoints });
		expect(r.y).toBeGreaterThan(140);
		expect(r.y + r.height).toBeLessThan(240);
		expect(r.x).toBeGreaterThan(box.x);
		expect(r.x + r.width).toBeLessThan(box.x + box.width);
	});
	it('without keypoints, takes the box’s middle band', () => {
		const r = skinRegion({ box });
		expect(r.y).toBeGreaterThan(box.y + box.height * 0.4);
		expect(r.y + r.height).toBeLessThan(box.y + box.height * 0.75);
	});
	it('regionMean averages only the pixels inside the region, clipped to the image', () => {
		const data = new Uint8ClampedArray(4 * 4 * 4);
		for (let p = 0; p < data.length; p += 4) data.set([10, 20, 30, 255], p);
		data.set([200, 100, 50, 255], (3 * 4 + 3) * 4);
		expect(regionMean({ width: 4, height: 4, data }, { x: 3, y: 3, width: 5, height: 5 }, 1)).toEqual([
			200, 100, 50
		]);
		expect(regionMean({ width: 4, height: 4, data }, { x: 8, y: 8, width: 2, height: 2 })).toBeNull();
	});
});
