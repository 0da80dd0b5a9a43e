// One resolved policy per province: the photo spec and thresholds the phone, the server and the CLI apply, and
// the one table that maps flow steps, failure kinds and bundle steps onto each other.
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import type { StepResult } from '../../../src/lib/core/bundle/schema.ts';
import { fileEvidence, photoStepPlan } from '../../../src/lib/client/photo-step.ts';
import { failedStepResult } from '../../../src/lib/core/flow/index.ts';
import { withJfifDensity } from '../../../src/lib/core/image/jpeg-header.ts';
import { checkUploadFile } from '../../../src/lib/core/photo/file-checks.ts';
import { hubeiPhotoSpec } from '../../../src/lib/core/photo/spec.ts';
import { hubei, policies } from '../../../src/lib/core/policy/index.ts';
import { resolve, resolvePolicy, UnknownProvinceError } from '../../../src/lib/core/policy/resolve.ts';
import { FAILURE_STEP, failureKindOf, requiredBundleSteps } from '../../../src/lib/core/policy/steps.ts';
import type { FailureKind, ProvincePolicy } from '../../../src/lib/core/policy/types.ts';
import { serverPolicy } from '../../../src/lib/server/policy.ts';

/** Hubei's rules with a larger white photo and a stricter face match: a province that is not Hubei. */
const whitePhotoProvince: ProvincePolicy = {
	...hubei,
	photo: {
		kind: 'upload',
		spec: {
			...hubeiPhotoSpec,
			id: 'white-600x800',
			file: { ...hubeiPhotoSpec.file, width: 600, height: 800 },
			background: { ...hubeiPhotoSpec.background, zh: '白色', en: 'white', fill: [255, 255, 255] }
		},
		compareWith: [],
		showProcessed: true
	},
	thresholds: { ...hubei.thresholds, faceMatch: { ...hubei.thresholds.faceMatch, value: 0.6 } }
};

/** A 480x640, 300 dpi JPEG: Hubei's file rules. */
function hubeiSizedPhoto(): Uint8Array {
	const data = new Uint8Array(480 * 640 * 4).fill(200);
	return withJfifDensity(new Uint8Array(jpeg.encode({ data, width: 480, height: 640 }, 90).data), 300);
}

describe('resolvePolicy', () => {
	it.each(Object.keys(policies))('%s: the spec of its own photo, with its own face-match threshold', (id) => {
		const r = resolvePolicy(id);
		const policy = policies[id];
		expect(r.policy).toBe(policy);
		expect(r.photoSpec).toEqual(
			policy.photo.kind === 'none'
				? null
				: { ...policy.photo.spec, minFaceMatch: policy.thresholds.faceMatch.value }
		);
		expect(r.thresholds).toEqual({
			faceMatch: policy.thresholds.faceMatch.value,
			antiSpoof: policy.thresholds.antiSpoof.value
		});
		// The server reads exactly this.
		expect(serverPolicy(id)).toBe(r);
	});

	it("a province whose photo differs from Hubei's is checked against its own spec and threshold", () => {
		const r = resolve(whitePhotoProvince);
		expect(r.photoSpec?.file).toMatchObject({ width: 600, height: 800 });
		expect(r.photoSpec?.minFaceMatch).toBe(0.6);
		expect(r.photoSpec?.background.en).toBe('white');
		expect(r.thresholds.faceMatch).toBe(0.6);
		// Hubei's compliant photo is the wrong size for it.
		const hubeiPhoto = hubeiSizedPhoto();
		expect(
			checkUploadFile(hubeiPhoto, resolvePolicy('hubei').photoSpec!).reasons.map((c) => c.code)
		).not.toContain('FILE_WRONG_DIMENSIONS');
		expect(checkUploadFile(hubeiPhoto, r.photoSpec!).reasons.map((c) => c.code)).toContain(
			'FILE_WRONG_DIMENSIONS'
		);
	});

	it('Fujian sends a live still: its spec, not the registration photo, is the one checked', () => {
		expect(resolvePolicy('fujian').photoSpec).toMatchObject({ id: 'live-still', purpose: 'live_still' });
		expect(resolvePolicy('hubei').photoSpec).toMatchObject({ id: 'hubei-2020', purpose: 'registration' });
	});

	it('refuses a province without a policy', () => {
		expect(() => resolvePolicy('atlantis')).toThrow(UnknownProvinceError);
		expect(() => serverPolicy('atlantis')).toThrow(expect.objectContaining({ code: 'unknown_province' }));
	});

	it('no consumer picks hubeiPhotoSpec itself', () => {
		for (const file of [
			'src/lib/ui/flow/Photo.svelte',
			'src/lib/ui/flow/Liveness.svelte',
			'workers/photo.worker.ts',
			'src/cli/commands/photo.ts',
			'src/lib/server/policy.ts',
			'src/lib/client/photo-step.ts'
		])
			expect(readFileSync(file, 'utf8'), file).not.toContain('hubeiPhotoSpec');
	});
});

describe("the phone's photo step", () => {
	it("checks a picked photo against the province's own spec, with the policy's face-match threshold", () => {
		const plan = photoStepPlan(whitePhotoProvince)!;
		expect(plan.spec).toEqual(resolve(whitePhotoProvince).photoSpec);
		expect(plan.spec.minFaceMatch).toBe(0.6);
		const photo = hubeiSizedPhoto();
		const codes = (p: typeof plan) =>
			fileEvidence(new Blob([photo as Uint8Array<ArrayBuffer>]), photo, p.spec).reasons.map((r) => r.code);
		expect(codes(photoStepPlan(hubei)!)).not.toContain('FILE_WRONG_DIMENSIONS');
		expect(codes(plan)).toContain('FILE_WRONG_DIMENSIONS');
	});

	it('processes the photo and compares it with the card portrait where the policy says', () => {
		expect(photoStepPlan(policies.beijing)).toMatchObject({ processed: true, compareIdPortrait: false });
		expect(photoStepPlan(policies.hubei)).toMatchObject({ processed: false, compareIdPortrait: true });
		// Fujian's photo is the face capture's live still: no photo step.
		expect(photoStepPlan(policies.fujian)).toBeNull();
	});
});

describe('steps, failure kinds and bundle steps', () => {
	it.each(Object.keys(FAILURE_STEP) as FailureKind[])(
		'a %s failure reported by the phone is read back as the same kind',
		(kind) => {
			const reason = kind === 'face_match' ? 'face_mismatch' : `${kind}_reason`;
			const step = failedStepResult({}, { kind, reason });
			expect(step.kind).toBe(FAILURE_STEP[kind]);
			expect(failureKindOf(step)).toBe(kind);
		}
	);

	it('steps no limit counts have no failure kind', () => {
		for (const kind of ['record', 'signature', 'camera'] as StepResult['kind'][])
			expect(failureKindOf({ kind, reasons: [] })).toBeNull();
	});

	it('each province requires the step results of the steps it runs', () => {
		expect(requiredBundleSteps(policies.hubei)).toEqual([
			'record',
			'idcard',
			'liveness',
			'photo',
			'signature'
		]);
		expect(requiredBundleSteps(policies.beijing)).toEqual(['idcard', 'record', 'photo', 'liveness']);
		expect(requiredBundleSteps(policies.fujian)).toEqual(['record', 'idcard', 'liveness']);
		for (const id of Object.keys(policies))
			expect(resolvePolicy(id).requiredBundleSteps).toEqual(requiredBundleSteps(policies[id]));
	});
});

describe('liveness.colour', () => {
	it('is off for the three provinces and follows the policy when a province sets it', () => {
		for (const id of Object.keys(policies)) expect(resolvePolicy(id).colour).toBe('off');
		const on: ProvincePolicy = { ...hubei, liveness: { ...hubei.liveness, colour: 'when_supported' } };
		expect(resolve(on).colour).toBe('when_supported');
	});
});
