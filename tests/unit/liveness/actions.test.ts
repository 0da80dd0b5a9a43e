// The action state machine on synthetic traces: one rule per test, each with a trace that passes and one that fails.
import { describe, expect, it } from 'vitest';
import {
	actionsPrompt,
	checkContinuity,
	createActionsState,
	foldAntiSpoof,
	stepActions
} from '../../../src/lib/core/liveness/index.ts';
import { runActions } from './run.ts';
import { blinkAt, combine, ramp, synth } from './synth.ts';

describe('blink', () => {
	it('passes on a quick blink after calibration', () => {
		const { verdict } = runActions(synth({ durationMs: 3000, at: blinkAt(1500) }), ['blink']);
		expect(verdict.passed).toBe(true);
		expect(verdict.steps[0].passed).toBe(true);
		expect(verdict.steps[0].completedAt).toBeGreaterThanOrEqual(1500);
	});

	it('works relative to the person: small eyes or glasses with a low open level still blink', () => {
		// Open level 0.35 (the eye model unsure through glasses), EAR 0.18 (narrow eyes): both signals low.
		const frames = synth({
			durationMs: 3000,
			eyeLevel: 0.35,
			earLevel: 0.18,
			at: blinkAt(1500, 150, 0.35, 0.18)
		});
		expect(runActions(frames, ['blink']).verdict.passed).toBe(true);
	});

	it('ignores a shallow flicker that is noise, not a closure', () => {
		const frames = synth({
			durationMs: 4000,
			at: (t) => (t >= 1500 && t < 1650 ? { eyes: 0.85, ear: 0.28 } : {})
		});
		const { verdict } = runActions(frames, ['blink'], { stepTimeoutMs: 3000 });
		expect(verdict.passed).toBe(false);
	});

	it('does not count eyes kept closed for seconds as a blink', () => {
		const frames = synth({ durationMs: 6000, at: blinkAt(1000, 3000) });
		const { verdict } = runActions(frames, ['blink'], { stepTimeoutMs: 5000 });
		expect(verdict.passed).toBe(false);
		expect(verdict.measures.eyeClosures).toBe(1);
	});

	it('needs the eyes to reopen: closed at the end of the clip is no blink', () => {
		const frames = synth({ durationMs: 3000, at: (t) => (t > 2000 ? { eyes: 0.02, ear: 0.15 } : {}) });
		expect(runActions(frames, ['blink']).verdict.passed).toBe(false);
	});
});

describe('head and mouth actions', () => {
	const cases = [
		['turn_left', { yaw: 25 }],
		['turn_right', { yaw: -25 }],
		['raise_head', { pitch: 15 }],
		['lower_head', { pitch: -15 }],
		['open_mouth', { mouth: 0.45 }]
	] as const;
	for (const [action, peak] of cases) {
		it(`${action} passes when done and fails when not`, () => {
			const key = Object.keys(peak)[0] as keyof typeof peak;
			const value = peak[key] as number;
			const done = synth({ durationMs: 3000, at: (t) => ({ [key]: ramp(t, 1000, 2000, value) }) });
			expect(runActions(done, [action]).verdict.passed).toBe(true);
			const small = synth({ durationMs: 4000, at: (t) => ({ [key]: ramp(t, 1000, 2000, value / 3) }) });
			expect(runActions(small, [action], { stepTimeoutMs: 3000 }).verdict.passed).toBe(false);
		});
	}

	it('a flat picture fools the pose model but not the keypoint geometry: no turn or nod passes', () => {
		for (const [action, key, peak] of [
			['turn_left', 'yaw', 25],
			['turn_right', 'yaw', -25],
			['raise_head', 'pitch', 15],
			['lower_head', 'pitch', -15]
		] as const) {
			const frames = synth({
				durationMs: 4000,
				flat: true,
				at: (t) => ({ [key]: ramp(t, 1000, 2000, peak) })
			});
			const { verdict } = runActions(frames, [action], { stepTimeoutMs: 3000 });
			expect(verdict.passed, action).toBe(false);
			expect(verdict.reason.code, action).toBe('still_image');
		}
	});

	it("measures turns from the person's own neutral pose, not from zero", () => {
		// Someone who holds the phone slightly to one side: neutral yaw +15; turning left reaches +40.
		const frames = synth({ durationMs: 3000, at: (t) => ({ yaw: 15 + ramp(t, 1000, 2000, 25) }) });
		expect(runActions(frames, ['turn_left']).verdict.passed).toBe(true);
		const still = synth({ durationMs: 4000, at: () => ({ yaw: 15 }) });
		expect(runActions(still, ['turn_left'], { stepTimeoutMs: 3000 }).verdict.passed).toBe(false);
	});
});

describe('sequences, order and time', () => {
	it('passes two actions in the asked order, the second only after returning to neutral', () => {
		const frames = synth({
			durationMs: 5000,
			at: combine(blinkAt(900), (t) => ({ yaw: ramp(t, 1500, 2200, 25) + ramp(t, 3200, 3800, -25) }))
		});
		const { verdict } = runActions(frames, ['blink', 'turn_left', 'turn_right']);
		expect(verdict.passed).toBe(true);
		expect(verdict.steps.map((s) => s.passed)).toEqual([true, true, true]);
		const [b, l, r] = verdict.steps.map((s) => s.completedAt as number);
		expect(b < l && l < r).toBe(true);
	});

	it('does not let the swing back from a left turn count as a right turn', () => {
		// Turn left, come back to the middle, stop: the return passes through -yaw relative to the peak only.
		const frames = synth({ durationMs: 5000, at: (t) => ({ yaw: ramp(t, 1000, 1800, 25) }) });
		const { verdict } = runActions(frames, ['turn_left', 'turn_right'], { stepTimeoutMs: 3000 });
		expect(verdict.passed).toBe(false);
		expect(verdict.steps[0].passed).toBe(true);
		expect(verdict.steps[1].passed).toBe(false);
		expect(verdict.reason.code).toBe('timeout');
	});

	it('fails as out of order when a later action is done first', () => {
		const frames = synth({ durationMs: 5000, at: (t) => ({ yaw: ramp(t, 1000, 2000, -30) }) });
		const { verdict } = runActions(frames, ['turn_left', 'turn_right']);
		expect(verdict.passed).toBe(false);
		expect(verdict.reason.code).toBe('out_of_order');
	});

	it('does not treat an involuntary blink during a turn step as out of order', () => {
		const frames = synth({
			durationMs: 4000,
			at: combine(blinkAt(900), (t) => ({ yaw: ramp(t, 1800, 2600, 25) }))
		});
		expect(runActions(frames, ['turn_left', 'blink']).verdict.steps[0].passed).toBe(true);
	});

	it('fails as too slow when a step is not done within its timeout', () => {
		// A live but slow candidate (blinks, so not a still image) turns only after 6 s.
		const frames = synth({
			durationMs: 8000,
			at: combine(blinkAt(1500), (t) => ({ yaw: ramp(t, 6000, 7000, 25) }))
		});
		const { verdict } = runActions(frames, ['turn_left'], { stepTimeoutMs: 4000 });
		expect(verdict.reason.code).toBe('timeout');
		// The same movement within the time allowed passes.
		expect(runActions(frames, ['turn_left'], { stepTimeoutMs: 8000 }).verdict.passed).toBe(true);
	});

	it('calls a motionless face a still image rather than a slow candidate', () => {
		const frames = synth({ durationMs: 6000 });
		const { verdict } = runActions(frames, ['blink', 'turn_left'], { stepTimeoutMs: 5000 });
		expect(verdict.reason.code).toBe('still_image');
	});
});

describe('presence', () => {
	it('fails with no face at all', () => {
		const frames = synth({ durationMs: 3000, at: () => ({ faceCount: 0 }) });
		expect(runActions(frames, ['blink']).verdict.reason.code).toBe('no_face');
	});

	it('fails when the face leaves the frame for more than the grace time', () => {
		const frames = synth({ durationMs: 5000, at: (t) => (t > 1000 && t < 3500 ? { faceCount: 0 } : {}) });
		expect(runActions(frames, ['blink']).verdict.reason.code).toBe('no_face');
	});

	it('tolerates a face missed for a frame or two', () => {
		const frames = synth({
			durationMs: 3000,
			at: combine(blinkAt(1800), (t) => (t > 1000 && t < 1150 ? { faceCount: 0 } : {}))
		});
		expect(runActions(frames, ['blink']).verdict.passed).toBe(true);
	});

	it('fails when several faces are in view', () => {
		const frames = synth({
			durationMs: 3000,
			at: combine(blinkAt(2000), (t) => (t > 800 ? { faceCount: 2 } : {}))
		});
		expect(runActions(frames, ['blink']).verdict.reason.code).toBe('multiple_faces');
	});
});

describe('sampled identity and anti-spoof checks in the verdict', () => {
	const passing = synth({ durationMs: 3000, at: blinkAt(1500) });

	it('a different face mid-challenge fails it even when the actions pass', () => {
		const same = (a: string, b: string) => (a[0] === b[0] ? 0.9 : 0.1);
		const continuity = checkContinuity(['a1', 'a2', 'b1', 'b2'], same, 0.45);
		expect(continuity.passed).toBe(false);
		const { verdict } = runActions(passing, ['blink'], { checks: { continuity } });
		expect(verdict.passed).toBe(false);
		expect(verdict.reason.code).toBe('face_changed');
		expect(
			runActions(passing, ['blink'], {
				checks: { continuity: checkContinuity(['a1', 'a2', 'a3'], same, 0.45) }
			}).verdict.passed
		).toBe(true);
	});

	it('a low median anti-spoof score fails it; one bad frame does not', () => {
		expect(
			runActions(passing, ['blink'], { checks: { spoof: foldAntiSpoof([0.2, 0.1, 0.3, 0.9], 0.5) } }).verdict
				.reason.code
		).toBe('spoof_suspected');
		expect(
			runActions(passing, ['blink'], { checks: { spoof: foldAntiSpoof([0.9, 0.95, 0.1, 0.97], 0.5) } })
				.verdict.passed
		).toBe(true);
	});

	it('continuity fails closed with fewer than two samples', () => {
		expect(checkContinuity(['a'], () => 1, 0.45).passed).toBe(false);
	});
});

describe('prompts', () => {
	it('tells the candidate what to do at each moment, in both languages', () => {
		const frames = synth({ durationMs: 3000, at: (t) => ({ yaw: ramp(t, 1000, 1600, 25) }) });
		let state = createActionsState({
			kind: 'actions',
			actions: ['turn_left', 'blink'],
			stepTimeoutMs: 10_000
		});
		const seen = new Set<string>();
		for (const m of frames) {
			seen.add(actionsPrompt(state, m).zh);
			state = stepActions(state, m);
		}
		expect([...seen]).toEqual(['请正对屏幕，保持不动', '请向左转头', '请回正，正对屏幕', '请眨眨眼']);
		expect(actionsPrompt(state).en).toBe('Blink your eyes');
	});
});
