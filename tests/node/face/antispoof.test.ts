import { describe, expect, it } from 'vitest';
import { ANTISPOOF } from '../../../src/lib/core/face/engine.ts';
import { sampleFace } from '../../../src/lib/core/face/live-sample.ts';
import { resolvePolicy } from '../../../src/lib/core/policy/resolve.ts';
import { clipFrames, engine, face, largestFace } from './support.ts';

describe('passive anti-spoof (fr_liveness)', () => {
	it.each(['spoof_print_or_screen_1.jpg', 'spoof_print_or_screen_2.jpg', 'spoof_screen_hyperfas_1.png'])(
		'rejects the recaptured photo/screen attack %s',
		async (f) => {
			const img = await face('spoof', f);
			expect(await engine.liveness(img, await largestFace(img))).toBeLessThan(ANTISPOOF.threshold);
		}
	);

	it.each([
		['live_blink_selfie_480x640_15fps.mjpeg', [0, 40, 80]],
		['eyes_closing_selfie_480x640_15fps.mjpeg', [0, 60, 120]],
		['headturn_yaw_woman_640x480_15fps.mjpeg', [0, 80, 150]],
		['grid_brbk7n_640x480_25fps.mjpeg', [0, 30, 60]],
		['grid_lbax4n_640x480_25fps.mjpeg', [0, 30, 60]]
	])('accepts live camera frames of %s', async (clip, indices) => {
		for (const img of await clipFrames(clip, indices)) {
			expect(await engine.liveness(img, await largestFace(img))).toBeGreaterThan(ANTISPOOF.threshold);
		}
	});

	it('returns three class probabilities that sum to 1', async () => {
		const img = await face('spoof', 'real_1.jpg');
		const p = await engine.antispoofProbabilities(img, await largestFace(img));
		expect(p).toHaveLength(3);
		expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
	});
});

describe("the liveness loop's face sample", () => {
	it("is judged at the province policy's anti-spoof threshold, never a default of its own", async () => {
		const [img] = await clipFrames('live_blink_selfie_480x640_15fps.mjpeg', [0]);
		const face = await largestFace(img);
		const policy = resolvePolicy('beijing').thresholds.antiSpoof;
		const atPolicy = await sampleFace(engine, img, face, policy);
		expect(atPolicy.antiSpoof).toMatchObject({ threshold: policy, isLive: true });
		expect(atPolicy.embedding.vector.length).toBe(512);
		// A stricter threshold than this live frame's score refuses it: the caller's threshold decides.
		const stricter = atPolicy.antiSpoof.live + 0.001;
		const strict = await sampleFace(engine, img, face, stricter);
		expect(strict.antiSpoof).toEqual({ live: atPolicy.antiSpoof.live, threshold: stricter, isLive: false });
	});
});
