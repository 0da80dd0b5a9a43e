import { describe, expect, it } from 'vitest';
import { allowListFromManifest } from '../../../src/lib/core/bundle/allow-list.ts';
import type { StepResult } from '../../../src/lib/core/bundle/schema.ts';
import { findScoreViolation } from '../../../src/lib/core/bundle/thresholds.ts';

const step = (kind: StepResult['kind'], passed: boolean, scores: Record<string, number>): StepResult => ({
	kind,
	passed,
	scores,
	reasons: [],
	models: [],
	details: {}
});

describe('model allow-list', () => {
	it('takes model ids and hashes from the staged manifest, leaving out runtime and data files', () => {
		const list = allowListFromManifest({
			files: [
				{ id: 'face.detect', kind: 'model', sha256: 'a'.repeat(64) },
				{ id: 'ort.wasm', kind: 'runtime', sha256: 'b'.repeat(64) },
				{ id: 'ocr.keys', kind: 'data', sha256: 'c'.repeat(64) },
				{ id: 'old.entry', sha256: 'd'.repeat(64) },
				{ id: 42, sha256: 'e' }
			]
		});
		expect([...list.entries()]).toEqual([
			['face.detect', 'a'.repeat(64)],
			['old.entry', 'd'.repeat(64)]
		]);
		expect(allowListFromManifest(null).size).toBe(0);
		expect(allowListFromManifest({ files: 'nope' }).size).toBe(0);
	});
});

describe('score thresholds', () => {
	const t = { faceMatch: 0.45, antiSpoof: 0.5 };
	it('accepts passed steps whose scores are on the passing side, including exactly at the threshold', () => {
		expect(
			findScoreViolation(
				[step('photo', true, { similarity: 0.45 }), step('liveness', true, { antiSpoof: 0.9 })],
				t
			)
		).toBeNull();
	});
	it('names the first passed step with a failing score', () => {
		expect(findScoreViolation([step('liveness', true, { live: 0.49 })], t)).toEqual({
			step: 'liveness',
			score: 'live',
			value: 0.49,
			threshold: 0.5
		});
		expect(findScoreViolation([step('idcard', true, { faceMatch: 0.2 })], t)?.score).toBe('faceMatch');
	});
	it('ignores failed steps and scores it does not know', () => {
		expect(
			findScoreViolation(
				[step('photo', false, { similarity: 0.1 }), step('camera', true, { brightness: 0.01 })],
				t
			)
		).toBeNull();
	});
});
