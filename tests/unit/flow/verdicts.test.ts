// The verdicts the screens used to make themselves: which event a liveness attempt with its face comparisons ends
// with, and what a checked photo or a signature leads to.
import { describe, expect, it } from 'vitest';
import type { StepResult } from '../../../src/lib/core/bundle/schema.ts';
import {
	acceptedPhotoResult,
	livenessVerdict,
	photoVerdict,
	signatureResult,
	type CheckedPhoto
} from '../../../src/lib/core/flow/index.ts';
import { FACE_MISMATCH_REASON, PHOTO_MISMATCH_REASON } from '../../../src/lib/core/policy/steps.ts';

const liveness = (passed: boolean, details: StepResult['details'] = {}, scores = {}): StepResult => ({
	kind: 'liveness',
	passed,
	scores,
	reasons: passed ? [] : ['timeout'],
	models: [],
	details
});

describe('livenessVerdict', () => {
	it('a live face matching the ID portrait (and the photo) passes unchanged', () => {
		const result = liveness(true, { idPortraitMatch: true, photoMatch: true });
		expect(livenessVerdict(result, 'passed')).toEqual({ event: { type: 'LIVENESS_PASSED' }, result });
	});

	it('a failed liveness check fails with the engine reason, whatever the comparisons say', () => {
		const result = liveness(false, { idPortraitMatch: false });
		expect(livenessVerdict(result, 'timeout').event).toEqual({ type: 'LIVENESS_FAILED', reason: 'timeout' });
	});

	it('a live face unlike the ID portrait is a face mismatch: the result fails with its reason', () => {
		const result = liveness(
			true,
			{ idPortraitMatch: false, photoMatch: false },
			{ idPortraitSimilarity: 0.21 }
		);
		const verdict = livenessVerdict(result, 'passed');
		expect(verdict.event).toEqual({ type: 'FACE_MISMATCH', similarity: 0.21 });
		expect(verdict.result.passed).toBe(false);
		expect(verdict.result.reasons).toEqual([FACE_MISMATCH_REASON]);
	});

	it('a live face unlike the accepted photo (Beijing) is a photo mismatch', () => {
		const result = liveness(true, { idPortraitMatch: true, photoMatch: false }, { photoSimilarity: 0.3 });
		expect(livenessVerdict(result, 'passed')).toEqual({
			event: { type: 'PHOTO_MISMATCH', similarity: 0.3 },
			result
		});
	});

	it('a comparison that could not be made (null) is left to the server, not failed on the phone', () => {
		const result = liveness(true, { idPortraitMatch: null, photoMatch: null });
		expect(livenessVerdict(result, 'passed').event).toEqual({ type: 'LIVENESS_PASSED' });
	});
});

const photo = (passed: boolean, codes: string[], measures: CheckedPhoto['measures'] = {}): CheckedPhoto => ({
	passed,
	reasons: codes.map((code) => ({ code })),
	measures
});

describe('photoVerdict', () => {
	it('a passed photo waits for the candidate to accept it', () => {
		expect(photoVerdict(photo(true, []))).toBeNull();
	});

	it('a photo of someone else (every other rule kept) is a counted photo mismatch', () => {
		expect(photoVerdict(photo(false, ['FACE_MISMATCH']))).toEqual({
			type: 'PHOTO_REJECTED',
			cause: 'mismatch',
			reason: PHOTO_MISMATCH_REASON
		});
	});

	it('a photo that also breaks a format rule is redone first, with the first reason', () => {
		expect(photoVerdict(photo(false, ['BACKGROUND_COLOUR', 'FACE_MISMATCH']))).toEqual({
			type: 'PHOTO_REJECTED',
			cause: 'noncompliant',
			reason: 'BACKGROUND_COLOUR'
		});
	});
});

describe('signed results', () => {
	it('an accepted photo carries its measures and the ID-portrait similarity for the server to re-check', () => {
		const accepted = acceptedPhotoResult(
			photo(true, [], { idPortraitSimilarity: 0.62, engine: 'face+photo' })
		);
		expect(accepted).toEqual({
			kind: 'photo',
			passed: true,
			scores: { idPortraitSimilarity: 0.62 },
			reasons: [],
			models: [],
			details: { idPortraitSimilarity: 0.62, engine: 'face+photo' }
		});
		expect(acceptedPhotoResult(photo(true, [], { idPortraitSimilarity: null })).scores).toEqual({});
	});

	it('a signature records how it was drawn', () => {
		expect(signatureResult({ strokes: 3, width: 600, height: 220 })).toMatchObject({
			kind: 'signature',
			passed: true,
			details: { strokes: 3, width: 600, height: 220 }
		});
	});
});
