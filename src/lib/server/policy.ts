// What the server takes from a province policy: challenge kind, thresholds, limits, photo spec, SMS, and the
// admission-number prefix. Policies are data in src/lib/core/policy; this file only adds server-side facts.
import { findPolicy, type ProvincePolicy } from '../core/policy/index.ts';
import type { PhotoSpec } from '../core/photo/spec.ts';
import { ServiceError } from './services/errors.ts';

/** GB/T 2260 province codes: the first two digits of the province's admission numbers. */
const PROVINCE_CODES: Readonly<Record<string, string>> = { beijing: '11', fujian: '35', hubei: '42' };

export interface ServerPolicy {
	policy: ProvincePolicy;
	provinceCode: string;
	/** The photo engine's spec for the server re-check, or null when the province takes no photo. */
	photoSpec: PhotoSpec | null;
}

export function serverPolicy(province: string): ServerPolicy {
	const policy = findPolicy(province);
	const provinceCode = PROVINCE_CODES[province];
	if (!policy || !provinceCode) {
		throw new ServiceError(
			409,
			'unknown_province',
			'该省份尚未开通在线确认',
			`Online confirmation is not available for province "${province}".`
		);
	}
	// The policy's photo spec carries the full limits for the re-check: the blue registration photo, or the face
	// capture's live still (core/policy/thresholds.ts).
	const photoSpec = policy.photo.kind === 'none' ? null : policy.photo.spec;
	return { policy, provinceCode, photoSpec };
}

/** Step kinds a bundle must carry for the policy's flow; each must be present, and passed for a confirmation. */
export function requiredBundleSteps(policy: ProvincePolicy): string[] {
	const steps: string[] = [];
	if (policy.steps.includes('confirm_record')) steps.push('record');
	if (policy.steps.includes('id_capture')) steps.push('idcard');
	if (policy.steps.includes('liveness')) steps.push('liveness');
	if (policy.steps.includes('photo')) steps.push('photo');
	if (policy.signatureRequired) steps.push('signature');
	return steps;
}
