// detectEvery > 1: the box follows the landmarks between detector runs. It must measure what full detection
// measures on a steady selfie, and fall back to the detector at once when the face jumps.
import { describe, expect, it } from 'vitest';
import { createFaceEngine } from '../../../src/lib/core/face/engine.ts';
import { iou } from '../../../src/lib/core/face/geometry.ts';
import type { InferenceRuntime } from '../../../src/lib/core/runtime.ts';
import { nodeRuntime } from '../../../src/lib/runtime/node.ts';
import { clipFrames, engine as everyFrame } from './support.ts';

describe('tracking between detections (detectEvery)', () => {
	it('agrees with per-frame detection over 2 s of a live selfie (landmarks within 3 % of the face width)', async () => {
		const frames = await clipFrames(
			'live_blink_selfie_480x640_15fps.mjpeg',
			Array.from({ length: 30 }, (_, i) => i)
		);
		// Counts detector runs, so the test knows frames really were tracked.
		let detectorRuns = 0;
		const counting: InferenceRuntime = {
			...nodeRuntime,
			async load(id) {
				const s = await nodeRuntime.load(id);
				if (id !== 'face.detect') return s;
				return {
					inputNames: s.inputNames,
					outputNames: s.outputNames,
					run: (feeds) => (detectorRuns++, s.run(feeds))
				};
			}
		};
		const tracked = createFaceEngine(counting, { detectEvery: 3 });
		for (let i = 0; i < frames.length; i++) {
			const a = await everyFrame.measure(frames[i], i * 66);
			const b = await tracked.measure(frames[i], i * 66);
			expect(b.faceCount).toBe(a.faceCount);
			const width = a.face!.box.width;
			const err = a.landmarks!.reduce(
				(s, p, k) => s + Math.hypot(p.x - b.landmarks![k].x, p.y - b.landmarks![k].y),
				0
			);
			expect(err / 68 / width).toBeLessThan(0.03);
			expect(Math.abs(a.pose!.yaw - b.pose!.yaw)).toBeLessThan(5);
		}
		expect(detectorRuns).toBeGreaterThanOrEqual(10);
		expect(detectorRuns).toBeLessThan(15);
	});

	it('re-detects at once when the face jumps to another place (a different clip)', async () => {
		const [selfie] = await clipFrames('live_blink_selfie_480x640_15fps.mjpeg', [0]);
		const [grid] = await clipFrames('grid_lbbc2a_640x480_25fps.mjpeg', [0]);
		const tracked = createFaceEngine(nodeRuntime, { detectEvery: 10 });
		await tracked.measure(selfie, 0);
		const jumped = await tracked.measure(grid, 66);
		const truth = await everyFrame.measure(grid, 66);
		expect(iou(jumped.face!.box, truth.face!.box)).toBeGreaterThan(0.8);
	});
});
