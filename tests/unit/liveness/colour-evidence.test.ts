// The colour challenge's evidence: the flash moments, the frame picked for each, the one judge serving the phone's
// per-frame samples and the server's per-flash crops, and the rule for a phone that says it skipped the challenge.
import { describe, expect, it } from 'vitest';
import {
	COLOURS,
	colourSequence,
	FLASH_MS,
	flashWindow,
	judgeColourResponse,
	judgeFlashColours,
	type ScreenColour
} from '../../../src/lib/core/liveness/colour.ts';
import {
	colourCropsExpected,
	colourSkipOf,
	colourSupport,
	MIN_COLOUR_FPS,
	planColour
} from '../../../src/lib/core/liveness/colour-support.ts';
import {
	EVIDENCE_FRAMES,
	evidenceMoments,
	judgeEvidence,
	MAX_EVIDENCE_CROPS,
	momentFlash,
	pickEvidenceFrames,
	type CropMeasure
} from '../../../src/lib/core/liveness/evidence.ts';
import { manualReviewReasons } from '../../../src/lib/core/bundle/review.ts';
import type { BundlePayload } from '../../../src/lib/core/bundle/schema.ts';

const NONCE = 'nonce-colour-aaaaaaaaaaaa';
const sequence = colourSequence(NONCE);
/** A skin tone lit by each screen colour as the node test relights its clip (±8 % per channel). */
const lit = (colour: ScreenColour): [number, number, number] => {
	const skin = [180, 130, 110];
	return skin.map((v, k) => v * (0.92 + (0.16 * COLOURS[colour][k]) / 255)) as [number, number, number];
};
const thresholds = { faceMatch: 0.45, antiSpoof: 0.5 };
const crop = (moment: string, skin: CropMeasure['skin']): CropMeasure => ({
	moment,
	faceCount: 1,
	similarity: 0.8,
	live: 0.9,
	pose: { yaw: 0, pitch: 0, roll: 0 },
	mouthOpenness: 0.02,
	skin
});

describe('flash moments', () => {
	const digits = { kind: 'digits' as const, digits: '1234', clipMinMs: 3000, clipMaxMs: 5000 };

	it('follow the other moments, one per flash, and fit the bundle’s limit', () => {
		const moments = evidenceMoments(NONCE, digits, EVIDENCE_FRAMES.count, sequence.length);
		expect(moments.slice(0, EVIDENCE_FRAMES.count)).toEqual(evidenceMoments(NONCE, digits));
		expect(moments.slice(EVIDENCE_FRAMES.count)).toEqual(sequence.map((_, i) => `flash:${i}`));
		expect(moments.length).toBe(MAX_EVIDENCE_CROPS);
		expect(moments.map(momentFlash).filter((i) => i !== null)).toEqual(sequence.map((_, i) => i));
		expect(momentFlash('at:300')).toBeNull();
	});

	it('are cropped from a settled frame of that flash, never from a neighbour', () => {
		const frames = [0, 100, 130, 310, 490, 520, 620, 900].map((t) => ({ t }));
		const picked = pickEvidenceFrames(['flash:0', 'flash:1', 'flash:2'], frames, {
			startedAt: 0,
			endedAt: 1000,
			completedAt: []
		});
		// flash:0's settled part is 120-500 ms (middle 310), flash:1's 620-1000 (middle 810); flash:2 has no frame.
		expect(picked).toEqual([3, 7, -1]);
		expect(flashWindow(1)).toEqual({ from: FLASH_MS + 120, to: 2 * FLASH_MS, mid: FLASH_MS + 310 });
	});
});

describe('one colour judge for the phone and the server', () => {
	it('per-frame samples and one crop per flash give the same verdict', () => {
		const samples = sequence.flatMap((c, i) =>
			[150, 250, 350, 450].map((dt) => ({ t: i * FLASH_MS + dt, rgb: lit(c) }))
		);
		const phone = judgeColourResponse(samples, sequence, 0);
		const server = judgeFlashColours(sequence.map(lit), sequence);
		expect(phone.passed).toBe(true);
		expect(server).toEqual(phone);
		const other = colourSequence('another-nonce-bbbbbbbb');
		expect(judgeFlashColours(other.map(lit), sequence).passed).toBe(false);
	});

	it('too few flashes measured is not a pass', () => {
		const some = sequence.map((c, i) => (i < 3 ? lit(c) : null));
		expect(judgeFlashColours(some, sequence)).toMatchObject({ passed: false, flashesJudged: 3 });
	});
});

describe('the server’s evidence judge with flash crops', () => {
	const digits = { kind: 'digits' as const, digits: '1234', clipMinMs: 3000, clipMaxMs: 5000 };
	const moments = evidenceMoments(NONCE, digits, EVIDENCE_FRAMES.count, sequence.length);
	const crops = (light: (i: number) => CropMeasure['skin']) =>
		moments.map((m) => crop(m, momentFlash(m) === null ? lit('red') : light(momentFlash(m)!)));

	it('passes crops lit by the sequence', () => {
		expect(
			judgeEvidence(
				crops((i) => lit(sequence[i])),
				moments,
				thresholds,
				sequence
			)
		).toEqual({
			passed: true,
			findings: []
		});
	});

	it('refuses unlit crops and crops lit by another nonce’s sequence with colour_mismatch', () => {
		const other = colourSequence('another-nonce-cccccccc');
		for (const light of [() => [170, 130, 110] as const, (i: number) => lit(other[i])]) {
			const verdict = judgeEvidence(crops(light), moments, thresholds, sequence);
			expect(verdict.passed).toBe(false);
			expect(verdict.findings.map((f) => f.code)).toEqual(['colour_mismatch']);
		}
	});
});

describe('colour support and a skip', () => {
	it('needs a camera delivering enough frames for each flash’s settled part', () => {
		expect(MIN_COLOUR_FPS).toBeCloseTo(2000 / 380, 3);
		expect(colourSupport({ framesPerSecond: 15 })).toBeNull();
		expect(colourSupport({ framesPerSecond: 4 })).toBe('colour_camera_slow');
		expect(colourSupport({ framesPerSecond: null })).toBe('colour_camera_rate_unknown');
	});

	it('runs, stops or skips as the policy says', () => {
		expect(planColour('off', 'colour_camera_slow')).toEqual({ run: false });
		expect(planColour('on', null)).toEqual({ run: true });
		expect(planColour('when_supported', null)).toEqual({ run: true });
		expect(planColour('on', 'colour_camera_slow')).toEqual({ run: false, unsupported: 'colour_camera_slow' });
		expect(planColour('when_supported', 'colour_camera_slow')).toEqual({
			run: false,
			skipped: 'colour_camera_slow'
		});
	});

	it('a claimed skip replaces the flash crops only under when_supported, and sends the attempt to a person', () => {
		expect(colourCropsExpected('on', 'colour_camera_slow')).toBe(true);
		expect(colourCropsExpected('when_supported', 'colour_camera_slow')).toBe(false);
		expect(colourCropsExpected('when_supported', null)).toBe(true);
		expect(colourCropsExpected('off', null)).toBe(false);
		const payload = (details: Record<string, string>) =>
			({
				steps: [
					{ kind: 'liveness', passed: true, scores: { idPortraitSimilarity: 0.7 }, reasons: [], details }
				]
			}) as unknown as BundlePayload;
		const skipped = payload({ colourSkipped: 'colour_camera_slow' });
		expect(colourSkipOf(skipped)).toBe('colour_camera_slow');
		expect(manualReviewReasons(skipped).map((r) => r.code)).toEqual(['colour_skipped']);
		expect(manualReviewReasons(payload({})).map((r) => r.code)).toEqual([]);
	});
});
