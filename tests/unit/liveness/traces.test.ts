// The state machine on REAL measurement traces recorded from the fixture clips with the face engine
// (tests/support/record-trace.ts regenerates them). Expected outcomes come from what each clip shows.
import { describe, expect, it } from 'vitest';
import { LIVENESS_ACTIONS, type LivenessAction } from '../../../src/lib/core/policy/types.ts';
import { checkContinuity, foldAntiSpoof } from '../../../src/lib/core/liveness/index.ts';
import { runActions } from './run.ts';
import { loadTrace, measurements, type Trace } from './trace.ts';

const FACE_MATCH = 0.45;

/** Continuity over the recorded samples, with the recorded pairwise similarities as the injected function. */
function continuityOf(trace: Trace) {
	const ids = trace.samples.map((_, i) => i);
	return checkContinuity(ids, (a, b) => trace.similarity[a][b], FACE_MATCH);
}

const everyChallenge: LivenessAction[][] = LIVENESS_ACTIONS.flatMap((a) =>
	LIVENESS_ACTIONS.map((b) => (a === b ? [a] : [a, b]))
);

describe('live clips pass the challenge they perform', () => {
	it('live_blink_selfie (8 s, 15 fps) passes ["blink"] with the same face throughout', () => {
		const trace = loadTrace('live_blink_selfie_480x640_15fps');
		const continuity = continuityOf(trace);
		const { verdict } = runActions(measurements(trace), ['blink'], { checks: { continuity } });
		expect(continuity.passed).toBe(true);
		expect(verdict.passed).toBe(true);
		expect(verdict.steps[0].measure.closedMs).toBeLessThan(500);
	});

	it('live_blink_selfie.mp4 (14 s, resampled to 15 fps) passes ["blink"]', () => {
		expect(runActions(measurements(loadTrace('live_blink_selfie')), ['blink']).verdict.passed).toBe(true);
	});

	it('headturn_yaw_woman passes its turn (from three-quarter to frontal: a turn to her left), also after a blink', () => {
		const trace = loadTrace('headturn_yaw_woman_640x480_15fps');
		const turn = runActions(measurements(trace), ['turn_left']).verdict;
		expect(turn.passed).toBe(true);
		expect(turn.steps[0].measure.geometry).toBeGreaterThan(0.2);
		// The opposite turn is not what she does.
		expect(runActions(measurements(trace), ['turn_right']).verdict.passed).toBe(false);
		const { verdict } = runActions(measurements(trace), ['blink', 'turn_left'], {
			checks: { continuity: continuityOf(trace) }
		});
		expect(verdict.passed).toBe(true);
		expect(verdict.steps[0].completedAt as number).toBeLessThan(verdict.steps[1].completedAt as number);
	});

	it('a steady live selfie asked to turn fails as too slow, not as a photo (it blinks)', () => {
		const { verdict } = runActions(measurements(loadTrace('live_blink_selfie')), ['turn_left']);
		expect(verdict.reason.code).toBe('timeout');
		expect(verdict.measures.eyeClosures).toBeGreaterThan(0);
	});

	it('headturn_yaw_woman asked to turn right first fails as out of order', () => {
		const { verdict } = runActions(measurements(loadTrace('headturn_yaw_woman_640x480_15fps')), [
			'turn_right',
			'turn_left'
		]);
		expect(verdict.reason.code).toBe('out_of_order');
	});
});

describe('attacks fail every active challenge', () => {
	it('attack_still_photo fails all 36 one- and two-action challenges, as a still image', () => {
		const frames = measurements(loadTrace('attack_still_photo_jacky_cheung_640x480_15fps'));
		for (const challenge of everyChallenge) {
			const { verdict } = runActions(frames, challenge);
			expect(verdict.passed, challenge.join(',')).toBe(false);
			expect(verdict.reason.code, challenge.join(',')).toBe('still_image');
		}
	});

	it('attack_moving_print (rigid rotation and drift, no blink) fails all 36 challenges', () => {
		const frames = measurements(loadTrace('attack_moving_print_obama_640x480_15fps'));
		for (const challenge of everyChallenge) {
			const { verdict } = runActions(frames, challenge);
			expect(verdict.passed, challenge.join(',')).toBe(false);
			// The pose model sees the print nod by up to 17 degrees; the keypoint geometry shows it never moved in 3-D.
			expect(verdict.reason.code, challenge.join(',')).toBe('still_image');
		}
	});
});

describe('other clips', () => {
	it('eyes_closing_selfie: the long closures are seen but are not quick blinks', () => {
		const { verdict } = runActions(measurements(loadTrace('eyes_closing_selfie_480x640_15fps')), ['blink']);
		expect(verdict.passed).toBe(false);
		expect(verdict.measures.eyeClosures).toBeGreaterThanOrEqual(1);
	});

	it('hamilton_clip (a film scene with several people) fails as several faces', () => {
		const { verdict } = runActions(measurements(loadTrace('hamilton_clip')), ['blink']);
		expect(verdict.reason.code).toBe('multiple_faces');
	});

	it('hamilton_clip: the sampled faces are different people, so continuity fails (face changed)', () => {
		const continuity = continuityOf(loadTrace('hamilton_clip'));
		expect(continuity.passed).toBe(false);
		expect(continuity.minSimilarity as number).toBeLessThan(FACE_MATCH);
	});

	it('every single-person clip keeps its identity across samples', () => {
		for (const name of [
			'live_blink_selfie_480x640_15fps',
			'headturn_yaw_woman_640x480_15fps',
			'grid_bbaf2n_640x480_25fps'
		]) {
			expect(continuityOf(loadTrace(name)).passed, name).toBe(true);
		}
	});

	it('the recorded anti-spoof samples fold into a decision with its measures', () => {
		const trace = loadTrace('live_blink_selfie_480x640_15fps');
		const spoof = foldAntiSpoof(
			trace.samples.map((s) => s.live),
			0.5
		);
		const scores = trace.samples.map((s) => s.live).sort((a, b) => a - b);
		const middle =
			scores.length % 2
				? scores[(scores.length - 1) / 2]
				: (scores[scores.length / 2 - 1] + scores[scores.length / 2]) / 2;
		expect(spoof).toMatchObject({ passed: true, samples: scores.length, threshold: 0.5 });
		expect(spoof.median).toBeCloseTo(middle, 3);
		expect(spoof.min).toBeCloseTo(scores[0], 3);
		// The live selfie scores live throughout (median above 0.99 as recorded).
		expect(spoof.median!).toBeGreaterThan(0.99);
		// The same samples judged against a threshold above their median fail; below their minimum they pass.
		expect(foldAntiSpoof(scores, middle + 0.001).passed).toBe(false);
		expect(foldAntiSpoof(scores, scores[0]).passed).toBe(true);
		expect(foldAntiSpoof([], 0.5)).toMatchObject({ passed: false, samples: 0, median: null });
	});
});
