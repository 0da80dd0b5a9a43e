import { describe, expect, it } from 'vitest';
import type { BundlePayload } from '../../../src/lib/core/bundle/schema.ts';
import {
	INJECTION_DETAIL,
	injectionNotes,
	injectionSignals,
	type CameraObservation
} from '../../../src/lib/core/liveness/injection.ts';

/** 60 frames at ~30 fps with a sensor's sub-millisecond jitter (seeded, deterministic). */
function jittered(n = 120, sd = 0.8): number[] {
	let seed = 7;
	const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2 * sd;
	let t = 1000;
	return Array.from({ length: n }, () => (t += 33.333 + rnd()));
}
const camera = (o: Partial<CameraObservation> = {}): CameraObservation => ({
	label: 'Front Camera',
	webdriver: false,
	frameTimes: jittered(),
	sizes: [{ width: 640, height: 480 }],
	...o
});

describe('injection signals', () => {
	it('are none for a phone camera with a sensor clock', () => {
		for (const label of ['Front Camera', 'camera2 1, facing front', 'FaceTime HD Camera', '前置摄像头', ''])
			expect(injectionSignals(camera({ label })), label).toEqual([]);
	});

	it('name virtual cameras, including Chromium’s fake device', () => {
		for (const label of [
			'OBS Virtual Camera',
			'ManyCam Virtual Webcam',
			'XSplit VCam',
			'Snap Camera',
			'DroidCam Source 3',
			'fake_device_0',
			'/tmp/zv-e2e-clips/live_blink_selfie.y4m',
			'C:\\clips\\face.mjpeg'
		])
			expect(injectionSignals(camera({ label })), label).toEqual(['virtual_camera']);
	});

	it('name an automated browser, clock-exact frame times and a changed frame size', () => {
		expect(injectionSignals(camera({ webdriver: true }))).toEqual(['automated_browser']);
		const exact = Array.from({ length: 120 }, (_, i) => 1000 + i * 33.333);
		expect(injectionSignals(camera({ frameTimes: exact }))).toEqual(['synthetic_timing']);
		expect(injectionSignals(camera({ frameTimes: exact.slice(0, 60) }))).toEqual([]);
		const sizes = [
			{ width: 640, height: 480 },
			{ width: 1280, height: 720 }
		];
		expect(injectionSignals(camera({ sizes }))).toEqual(['resolution_changed']);
	});

	it('reach the reviewer as reasons in both languages, unknown names ignored', () => {
		const payload = {
			steps: [
				{
					kind: 'liveness',
					passed: true,
					details: { [INJECTION_DETAIL]: 'virtual_camera,made_up,constructor,toString,automated_browser' }
				}
			]
		} as unknown as BundlePayload;
		const notes = injectionNotes(payload);
		expect(notes.map((n) => n.code)).toEqual(['injection_virtual_camera', 'injection_automated_browser']);
		for (const n of notes) {
			expect(n.zh).toMatch(/虚拟摄像头|自动化/);
			expect(n.en).toMatch(/reviewer/);
		}
		expect(injectionNotes({ steps: [] } as unknown as BundlePayload)).toEqual([]);
	});
});
