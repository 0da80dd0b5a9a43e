// A failure report must carry a step the server counts as the same kind of failure the phone counted.
import { describe, expect, it } from 'vitest';
import type { StepResult } from '../../../src/lib/core/bundle/schema.ts';
import { failedStepResult } from '../../../src/lib/core/flow/index.ts';
import type { FailureKind } from '../../../src/lib/core/policy/types.ts';
import { failureKindOf as failureKind } from '../../../src/lib/core/policy/steps.ts';

const livenessSaved: StepResult = {
	kind: 'liveness',
	passed: true,
	scores: { antiSpoof: 0.91, faceMatch: 0.3 },
	reasons: [],
	models: [{ id: 'face.feature', sha256: 'a'.repeat(64) }],
	details: { challenge: 'actions' }
};

describe('failedStepResult', () => {
	it.each<[FailureKind, string]>([
		['liveness', 'still_image'],
		['face_match', 'face_mismatch'],
		['photo_match', 'photo_mismatch'],
		['identity_check', 'idcard.mismatch']
	])('a %s failure is read back by the server as %s', (kind, reason) => {
		const step = failedStepResult({ liveness: livenessSaved }, { kind, reason });
		expect(step.passed).toBe(false);
		expect(step.reasons).toContain(reason);
		expect(failureKind(step)).toBe(kind);
	});

	it("keeps the saved step's scores, models and details, and does not repeat a reason", () => {
		const saved = { ...livenessSaved, passed: false, reasons: ['still_image'] };
		const step = failedStepResult({ liveness: saved }, { kind: 'liveness', reason: 'still_image' });
		expect(step).toEqual({ ...saved, passed: false, reasons: ['still_image'] });
	});

	it('fills the fields a signed step must carry when the screen saved none', () => {
		expect(failedStepResult({}, { kind: 'photo_match', reason: 'photo_mismatch' })).toEqual({
			kind: 'photo',
			passed: false,
			scores: {},
			reasons: ['photo_mismatch'],
			models: [],
			details: {}
		});
	});
});
