// How the flow's steps, the failures the attempt limit counts and the signed bundle's step results map onto each
// other: the phone (failure reports), the server (which steps a bundle must carry, which kind a reported failure
// is) and the tests all read this one table.
import type { StepResult } from '../bundle/schema.ts';
import type { FailureKind, FlowStep, ProvincePolicy } from './types.ts';

export type BundleStep = StepResult['kind'];

/** The step result each flow step saves for the bundle (consent and review save none). */
export const BUNDLE_STEP_OF: Readonly<Partial<Record<FlowStep, BundleStep>>> = {
	confirm_record: 'record',
	id_capture: 'idcard',
	liveness: 'liveness',
	photo: 'photo',
	signature: 'signature'
};

/** The step result a failure of each kind is reported in. */
export const FAILURE_STEP: Readonly<Record<FailureKind, BundleStep>> = {
	liveness: 'liveness',
	face_match: 'liveness',
	photo_match: 'photo',
	identity_check: 'idcard'
};

/** The reason a liveness step carries when the live face is not the ID card portrait's (a face-match failure). */
export const FACE_MISMATCH_REASON = 'face_mismatch';

/** The reason a photo step carries when the photo's face is not the candidate's (a photo-match failure). */
export const PHOTO_MISMATCH_REASON = 'photo_mismatch';

/**
 * Which comparisons of the uploaded photo the phone makes, and where: with the ID card portrait at the photo step
 * (the card is read before), with the live face at the liveness step (the photo is taken before); the policies test
 * holds every policy to that order. A mismatch is a photo-match failure the attempt limit may count.
 */
export function photoComparisons(policy: ProvincePolicy): { idPortrait: boolean; liveFace: boolean } {
	const compareWith = policy.photo.kind === 'upload' ? policy.photo.compareWith : [];
	return { idPortrait: compareWith.includes('id_portrait'), liveFace: compareWith.includes('live_face') };
}

/** What the attempt limit calls a failed step: a liveness step failed on the face comparison is a face match. */
export function failureKindOf(step: Pick<StepResult, 'kind' | 'reasons'>): FailureKind | null {
	if (step.kind === 'liveness' && step.reasons?.includes(FACE_MISMATCH_REASON)) return 'face_match';
	const kinds = (Object.keys(FAILURE_STEP) as FailureKind[]).filter(
		(k) => k !== 'face_match' && FAILURE_STEP[k] === step.kind
	);
	return kinds[0] ?? null;
}

/** Step results a bundle must carry for the policy's flow; each must be present, and passed for a confirmation. */
export function requiredBundleSteps(policy: ProvincePolicy): BundleStep[] {
	return policy.steps
		.filter((s) => s !== 'signature' || policy.signatureRequired)
		.flatMap((s) => BUNDLE_STEP_OF[s] ?? []);
}
