// The liveness step's result as signed, from the face engine's verdict or from the motion measure alone.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { manualReviewReasons } from '../../../src/lib/core/bundle/review.ts';
import { StepResultSchema, type BundlePayload } from '../../../src/lib/core/bundle/schema.ts';
import {
	livenessResult,
	MOTION_PROBE_ENGINE,
	type FaceEngineAttempt,
	type MotionProbeAttempt
} from '../../../src/lib/core/flow/index.ts';
import { INJECTION_DETAIL, injectionNotes } from '../../../src/lib/core/liveness/injection.ts';
import { STILL_MOTION } from '../../../src/lib/core/liveness/index.ts';
import type { Challenge } from '../../../src/lib/core/liveness/types.ts';

const actions: Challenge = { kind: 'actions', actions: ['blink', 'turn_left'], stepTimeoutMs: 5000 };
const digits: Challenge = { kind: 'digits', digits: '40719', clipMinMs: 3000, clipMaxMs: 8000 };
const model = { id: 'scrfd', sha256: 'a'.repeat(64) };

const face = (over: Partial<FaceEngineAttempt> = {}): FaceEngineAttempt => ({
	engine: 'face',
	challenge: actions,
	verdict: {
		passed: true,
		reason: { code: 'passed' },
		reasons: [],
		scores: { motion: 1.2, antiSpoof: 0.91 },
		details: { engine: 'face', frames: 60, samples: 8 }
	},
	models: [model],
	injection: [],
	clipKeptOnPhone: false,
	...over
});

// Changes well above the still-picture line, median 1.5.
const moving = [1.5, 1.2, 2.4, 1.5];
const probe = (over: Partial<MotionProbeAttempt> = {}): MotionProbeAttempt => ({
	engine: MOTION_PROBE_ENGINE,
	challenge: actions,
	motions: moving,
	brightness: [120.04, 130.06, 125.05],
	sharpness: [40.01, 42.02],
	durationMs: 7100,
	faceModelsError: null,
	injection: [],
	clipKeptOnPhone: false,
	...over
});

describe('livenessResult from the face engine', () => {
	it("keeps the verdict's scores, reasons, details and models, and adds the challenge and the clip", () => {
		const { result, reason } = livenessResult(face());
		expect(v.is(StepResultSchema, result)).toBe(true);
		expect(reason).toBe('passed');
		expect(result).toEqual({
			kind: 'liveness',
			passed: true,
			scores: { motion: 1.2, antiSpoof: 0.91 },
			reasons: [],
			models: [model],
			details: {
				engine: 'face',
				frames: 60,
				samples: 8,
				challenge: 'actions',
				steps: 'blink,turn_left',
				clipKeptOnPhone: false
			}
		});
	});

	it('a failed digit reading: the deciding code, every reason, the digit count, the clip kept', () => {
		const { result, reason } = livenessResult(
			face({
				challenge: digits,
				clipKeptOnPhone: true,
				verdict: {
					passed: false,
					reason: { code: 'no_voice' },
					reasons: ['no_voice', 'mouth_still'],
					scores: {},
					details: { engine: 'face' }
				}
			})
		);
		expect(reason).toBe('no_voice');
		expect(result.passed).toBe(false);
		expect(result.reasons).toEqual(['no_voice', 'mouth_still']);
		expect(result.details).toMatchObject({ challenge: 'digits', steps: 5, clipKeptOnPhone: true });
	});

	it('carries the injection detail only when the camera showed signals', () => {
		expect(livenessResult(face()).result.details).not.toHaveProperty(INJECTION_DETAIL);
		const { result } = livenessResult(face({ injection: ['virtual_camera', 'synthetic_timing'] }));
		expect(result.details?.[INJECTION_DETAIL]).toBe('virtual_camera,synthetic_timing');
	});
});

describe('livenessResult from the motion measure alone', () => {
	it('a moving picture passes, named as the motion probe with its medians and frame count', () => {
		const { result, reason } = livenessResult(probe());
		expect(v.is(StepResultSchema, result)).toBe(true);
		expect(reason).toBe('passed');
		expect(result).toEqual({
			kind: 'liveness',
			passed: true,
			scores: { motion: 1.5, brightness: 125.1, sharpness: 41 },
			reasons: [],
			models: [],
			details: {
				challenge: 'actions',
				steps: 'blink,turn_left',
				engine: MOTION_PROBE_ENGINE,
				frames: moving.length + 1,
				durationMs: 7100,
				clipKeptOnPhone: false
			}
		});
		// The engine named is the one the server holds for a person to review.
		const payload = { steps: [result] } as unknown as BundlePayload;
		expect(manualReviewReasons(payload).map((r) => r.code)).toContain('liveness_fallback');
	});

	it('a still picture, or too few changes to tell, fails as a still image', () => {
		for (const motions of [[0.1, 0.05, 0.2, 0.1].map((m) => m * STILL_MOTION), [STILL_MOTION * 3]]) {
			const { result, reason } = livenessResult(probe({ motions }));
			expect(reason).toBe('still_image');
			expect(result.passed).toBe(false);
			expect(result.reasons).toEqual(['still_image']);
		}
	});

	it("says why the face models did not load, and a digit reading's clip", () => {
		const { result } = livenessResult(
			probe({ challenge: digits, faceModelsError: 'fetch failed', clipKeptOnPhone: true, brightness: [] })
		);
		expect(result.details).toMatchObject({
			faceModelsError: 'fetch failed',
			steps: 5,
			clipKeptOnPhone: true
		});
		expect(result.scores?.brightness).toBe(0);
		expect(livenessResult(probe()).result.details).not.toHaveProperty('faceModelsError');
		expect(livenessResult(probe()).result.details).not.toHaveProperty(INJECTION_DETAIL);
	});
});

describe('the injection signals, whichever engine decided', () => {
	it('the motion probe carries the same detail as the face engine, and the reviewer sees the same notes', () => {
		const injection = ['virtual_camera', 'automated_browser'] as const;
		const notes = (result: ReturnType<typeof livenessResult>['result']) =>
			injectionNotes({ steps: [result] } as unknown as BundlePayload).map((r) => r.code);
		const byFace = livenessResult(face({ injection: [...injection] })).result;
		const byProbe = livenessResult(probe({ injection: [...injection] })).result;
		expect(byProbe.details?.[INJECTION_DETAIL]).toBe('virtual_camera,automated_browser');
		expect(byProbe.details?.[INJECTION_DETAIL]).toBe(byFace.details?.[INJECTION_DETAIL]);
		expect(notes(byProbe)).toEqual(['injection_virtual_camera', 'injection_automated_browser']);
		expect(notes(byProbe)).toEqual(notes(byFace));
	});
});
