// A province's policy resolved into what every consumer reads: the server's verifier and re-check, the phone's
// screens and workers, and the CLI (`--province`). Nothing else picks a photo spec, a threshold or the bundle's
// required steps on its own.
import { EVIDENCE_FRAMES } from '../liveness/evidence.ts';
import type { PhotoSpec } from '../photo/spec.ts';
import { findPolicy, policies } from './index.ts';
import { photoComparisons, requiredBundleSteps, type BundleStep } from './steps.ts';
import type { LivenessColour, LivenessEvidence, ProvincePolicy } from './types.ts';

/** GB/T 2260 province codes: the first two digits of the province's admission numbers. */
const PROVINCE_CODES: Readonly<Record<string, string>> = { beijing: '11', fujian: '35', hubei: '42' };

export interface ResolvedPolicy {
	policy: ProvincePolicy;
	/** GB/T 2260 code of the province. */
	provinceCode: string;
	/**
	 * The photo engine's spec the province's photo is checked against, on the phone and on the server (the
	 * registration photo, or the face capture's live still), with the policy's face-match threshold; null when the
	 * province takes no photo.
	 */
	photoSpec: PhotoSpec | null;
	/** Decision values of the policy's thresholds (face match, anti-spoof). */
	thresholds: { faceMatch: number; antiSpoof: number };
	requiredBundleSteps: readonly BundleStep[];
	/** The phone's comparisons of the photo (policy photo.compareWith), at the policy's face-match threshold. */
	photoComparisons: { idPortrait: boolean; liveFace: boolean };
	/** The liveness evidence crops the phone sends and the server checks (policy liveness.evidence), or null. */
	evidenceFrames: typeof EVIDENCE_FRAMES | null;
	/** Whether the liveness capture runs the colour challenge (policy liveness.colour, default 'off'). */
	colour: LivenessColour;
}

export class UnknownProvinceError extends Error {
	constructor(readonly province: string) {
		super(`unknown province "${province}" (known: ${Object.keys(policies).join(', ')})`);
	}
}

/** Resolves a policy object (the province registry's, or one a test builds). */
export function resolve(policy: ProvincePolicy): ResolvedPolicy {
	const provinceCode = PROVINCE_CODES[policy.id];
	if (!provinceCode) throw new UnknownProvinceError(policy.id);
	const faceMatch = policy.thresholds.faceMatch.value;
	const photoSpec = policy.photo.kind === 'none' ? null : { ...policy.photo.spec, minFaceMatch: faceMatch };
	return {
		policy,
		provinceCode,
		photoSpec,
		thresholds: { faceMatch, antiSpoof: policy.thresholds.antiSpoof.value },
		requiredBundleSteps: requiredBundleSteps(policy),
		photoComparisons: photoComparisons(policy),
		evidenceFrames: livenessEvidenceOf(policy) === 'frames' ? EVIDENCE_FRAMES : null,
		colour: livenessColourOf(policy)
	};
}

/** What a policy that names no liveness evidence or colour challenge gets: neither. */
const livenessEvidenceOf = (policy: ProvincePolicy): LivenessEvidence => policy.liveness.evidence ?? 'none';
const livenessColourOf = (policy: ProvincePolicy): LivenessColour => policy.liveness.colour ?? 'off';

/**
 * The policy with the liveness evidence the server asks for: its answer when the phone opened the link, which
 * decides (test mode turns evidence on for every province). Anything but 'none' or 'frames' leaves the policy's own;
 * the same policy comes back when nothing changes.
 */
export function withLivenessEvidence(policy: ProvincePolicy, evidence: unknown): ProvincePolicy {
	if (evidence !== 'none' && evidence !== 'frames') return policy;
	if (livenessEvidenceOf(policy) === evidence) return policy;
	return { ...policy, liveness: { ...policy.liveness, evidence } };
}

/**
 * The policy with the colour challenge the server asks for (its answer when the phone opened the link, which
 * decides: test mode may force it on). Anything but 'off', 'on' or 'when_supported' leaves the policy's own; the
 * same policy comes back when nothing changes.
 */
export function withLivenessColour(policy: ProvincePolicy, colour: unknown): ProvincePolicy {
	if (colour !== 'off' && colour !== 'on' && colour !== 'when_supported') return policy;
	if (livenessColourOf(policy) === colour) return policy;
	return { ...policy, liveness: { ...policy.liveness, colour } };
}

const resolved = new Map<string, ResolvedPolicy>();

/** The province's resolved policy; throws UnknownProvinceError for a province without a policy or code. */
export function resolvePolicy(province: string): ResolvedPolicy {
	let r = resolved.get(province);
	if (!r) {
		const policy = findPolicy(province);
		if (!policy) throw new UnknownProvinceError(province);
		r = resolve(policy);
		resolved.set(province, r);
	}
	return r;
}
