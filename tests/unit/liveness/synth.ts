// Synthetic measurement traces: a steady face at 15 fps with actions scripted at given times. Used to test each
// rule of the state machine in isolation; the recorded traces in traces/ test it on real measurements.
import type { FaceMeasurement } from '../../../src/lib/core/face/types.ts';

export interface Script {
	durationMs: number;
	fps?: number;
	/** Open-eye level of this person (eye-state probability); small eyes or glasses give lower values. */
	eyeLevel?: number;
	/** Landmark eye aspect ratio when open. */
	earLevel?: number;
	/** A flat picture: keypoint geometry stays that of a frontal face whatever the pose model reports. */
	flat?: boolean;
	/** Per-frame overrides by time. */
	at?: (t: number) => Partial<{
		yaw: number;
		pitch: number;
		eyes: number;
		ear: number;
		mouth: number;
		faceCount: number;
	}>;
}

/**
 * Five keypoints of a head with this pose: eyes 60 px apart, mouth 70 px below them; the nose tip, standing out of
 * the face plane, swings sideways with yaw and along the eye-mouth line with pitch (as a real head's does).
 */
export function keypoints(yaw: number, pitch: number, flat = false) {
	const rad = Math.PI / 180;
	const noseX = flat ? 0 : 0.6 * Math.sin(yaw * rad);
	const noseY = flat ? 0.55 : 0.55 - 0.6 * Math.sin(pitch * rad);
	return [
		{ x: 200, y: 200 },
		{ x: 260, y: 200 },
		{ x: 230 + noseX * 60, y: 200 + noseY * 70 },
		{ x: 210, y: 270 },
		{ x: 250, y: 270 }
	];
}

export function synth(script: Script): FaceMeasurement[] {
	const fps = script.fps ?? 15;
	const frames: FaceMeasurement[] = [];
	for (let i = 0; i * (1000 / fps) <= script.durationMs; i++) {
		const t = Math.round((i * 1000) / fps);
		// Small deterministic jitter like a real pose model's, so "no motion" is never perfectly flat.
		const jitter = Math.sin(i * 1.7) * 0.6;
		const o = script.at?.(t) ?? {};
		const faceCount = o.faceCount ?? 1;
		const eyes = o.eyes ?? script.eyeLevel ?? 0.98;
		const yaw = 2 + jitter + (o.yaw ?? 0);
		const pitch = -3 + jitter / 2 + (o.pitch ?? 0);
		const ear = o.ear ?? script.earLevel ?? 0.3;
		frames.push({
			t,
			faceCount,
			face:
				faceCount > 0
					? {
							box: { x: 100, y: 100, width: 200, height: 240 },
							score: 0.99,
							keypoints: keypoints(yaw, pitch, script.flat)
						}
					: null,
			...(faceCount > 0
				? {
						pose: { yaw, pitch, roll: 1 },
						eyeOpenness: { left: eyes, right: eyes },
						eyeAspectRatio: { left: ear, right: ear },
						mouthOpenness: o.mouth ?? 0.04 + Math.abs(jitter) / 100
					}
				: {})
		});
	}
	return frames;
}

/** A blink: eyes shut for `ms` starting at `start` (probability to ~0, EAR to 60 %). */
export function blinkAt(start: number, ms = 150, level = 0.98, ear = 0.3) {
	return (t: number) => (t >= start && t < start + ms ? { eyes: level * 0.05, ear: ear * 0.6 } : {});
}

/** Ramps a value up to `peak` over `rampMs`, holds until `end`, then back. */
export function ramp(t: number, start: number, end: number, peak: number, rampMs = 400): number {
	if (t < start || t > end + rampMs) return 0;
	if (t < start + rampMs) return (peak * (t - start)) / rampMs;
	if (t <= end) return peak;
	return peak * (1 - (t - end) / rampMs);
}

export function combine(...fs: ((t: number) => ReturnType<NonNullable<Script['at']>>)[]) {
	return (t: number) => Object.assign({}, ...fs.map((f) => f(t)));
}
