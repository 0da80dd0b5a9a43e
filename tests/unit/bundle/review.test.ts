// A passed bundle is confirmed automatically only when its liveness step ran on the face engine and compared the
// live face with the ID card portrait; a passed step whose similarity lies below the policy's threshold is refused.
import { describe, expect, it } from 'vitest';
import { manualReviewReasons } from '../../../src/lib/core/bundle/review.ts';
import type { BundlePayload, StepResult } from '../../../src/lib/core/bundle/schema.ts';
import { findScoreViolation } from '../../../src/lib/core/bundle/thresholds.ts';

const liveness = (scores: Record<string, number>, engine = 'face', passed = true): StepResult => ({
	kind: 'liveness',
	passed,
	scores,
	reasons: passed ? [] : ['face_mismatch'],
	models: [],
	details: { engine }
});
const payload = (step: StepResult) => ({ steps: [step] }) as unknown as BundlePayload;
const codes = (step: StepResult) => manualReviewReasons(payload(step)).map((r) => r.code);

describe('manual review of passed bundles', () => {
	it('confirms a face-engine liveness step that compared the live face with the card portrait', () => {
		expect(codes(liveness({ antiSpoof: 0.9, idPortraitSimilarity: 0.62 }))).toEqual([]);
	});

	it('holds a step that could not compare the faces (no similarity) for a person', () => {
		expect(codes(liveness({ antiSpoof: 0.9 }))).toEqual(['face_not_compared']);
	});

	it('holds the motion-probe fallback, which measured neither a face nor the portrait', () => {
		expect(codes(liveness({}, 'motion-probe'))).toEqual(['liveness_fallback', 'face_not_compared']);
	});

	it('holds a card the phone warned was a recapture (screen, copy, print), though it did not block the candidate', () => {
		const idcard: StepResult = {
			kind: 'idcard',
			passed: true,
			scores: {},
			reasons: ['capture.recapture.screen'],
			models: [],
			details: { portrait_recapture: 'screen' }
		};
		const step = liveness({ antiSpoof: 0.9, idPortraitSimilarity: 0.62 });
		const reasons = manualReviewReasons({ steps: [idcard, step] } as unknown as BundlePayload);
		expect(reasons.map((r) => r.code)).toEqual(['idcard_recapture']);
		expect(reasons[0].en).toContain('screen');
	});

	it('has nothing to add to a failed step (it is recorded as failed)', () => {
		expect(codes(liveness({ idPortraitSimilarity: 0.1 }, 'face', false))).toEqual([]);
	});
});

describe('the ID-portrait similarity is re-checked against the face-match threshold', () => {
	const thresholds = { faceMatch: 0.45, antiSpoof: 0.5 };
	it('refuses a passed step whose similarity lies below it', () => {
		expect(findScoreViolation([liveness({ idPortraitSimilarity: 0.3 })], thresholds)).toEqual({
			step: 'liveness',
			score: 'idPortraitSimilarity',
			value: 0.3,
			threshold: 0.45
		});
	});

	it('refuses a passed step whose live face vs photo similarity lies below it (policy compareWith live_face)', () => {
		expect(findScoreViolation([liveness({ photoSimilarity: 0.2 })], thresholds)).toMatchObject({
			score: 'photoSimilarity',
			value: 0.2
		});
	});

	it('accepts one at or above it, and ignores a failed step', () => {
		expect(findScoreViolation([liveness({ idPortraitSimilarity: 0.45 })], thresholds)).toBeNull();
		expect(
			findScoreViolation([liveness({ idPortraitSimilarity: 0.3 }, 'face', false)], thresholds)
		).toBeNull();
	});
});
