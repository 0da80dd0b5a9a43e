// The one list of liveness failure codes (read from the reason table) that the failure screen uses to tell a
// liveness reason from another step's.
import { describe, expect, it } from 'vitest';
import {
	combineReasons,
	isLivenessFailure,
	LIVENESS_FAILURE_CODES,
	reason,
	type ReasonCode
} from '../../../src/lib/core/liveness/index.ts';
import { FACE_MISMATCH_REASON, PHOTO_MISMATCH_REASON } from '../../../src/lib/core/policy/steps.ts';
import type { PhotoReasonCode } from '../../../src/lib/core/photo/reasons.ts';
import { runActions } from './run.ts';
import { loadTrace, measurements } from './trace.ts';

// Every code the judge's type allows: a code added to ReasonCode fails to compile here until it is listed.
const EVERY_CODE: Record<ReasonCode, true> = {
	passed: true,
	no_face: true,
	multiple_faces: true,
	still_image: true,
	out_of_order: true,
	timeout: true,
	face_changed: true,
	spoof_suspected: true,
	no_voice: true,
	mouth_still: true,
	mouth_voice_mismatch: true,
	clip_too_short: true,
	clip_too_long: true,
	colour_mismatch: true
};

describe('liveness failure codes', () => {
	it('are every code the judge can emit but "passed", each with its message', () => {
		const failures = Object.keys(EVERY_CODE).filter((c) => c !== 'passed');
		expect([...LIVENESS_FAILURE_CODES].sort()).toEqual(failures.sort());
		for (const code of LIVENESS_FAILURE_CODES) {
			expect(isLivenessFailure(code)).toBe(true);
			expect(reason(code).zh).not.toBe('');
			expect(reason(code).en).not.toBe('');
		}
	});

	it('are all ranked by the judge (an unranked code would be reported before the most telling one)', () => {
		const combined = combineReasons([...LIVENESS_FAILURE_CODES].reverse());
		expect(combined.reasons.map((r) => r.code).sort()).toEqual([...LIVENESS_FAILURE_CODES].sort());
		expect(combined.reason.code).toBe('multiple_faces');
	});

	it("include what the judge says of a recorded photo attack and a recorded live clip's wrong action", () => {
		const attack = runActions(measurements(loadTrace('attack_still_photo_jacky_cheung_640x480_15fps')), [
			'blink'
		]).verdict;
		const wrong = runActions(measurements(loadTrace('headturn_yaw_woman_640x480_15fps')), [
			'turn_right'
		]).verdict;
		for (const verdict of [attack, wrong]) {
			expect(verdict.passed).toBe(false);
			expect(verdict.reasons.length).toBeGreaterThan(0);
			for (const r of verdict.reasons) expect(isLivenessFailure(r.code)).toBe(true);
		}
	});

	it("reject a pass, other steps' failure reasons and object keys", () => {
		const photoCodes: PhotoReasonCode[] = ['FACE_NONE', 'FACE_MULTIPLE', 'IMAGE_TOO_DARK', 'FACE_MISMATCH'];
		for (const code of [
			'passed',
			FACE_MISMATCH_REASON,
			PHOTO_MISMATCH_REASON,
			...photoCodes,
			'NO_FACE',
			'',
			'constructor',
			'toString'
		])
			expect(isLivenessFailure(code), code).toBe(false);
	});
});
