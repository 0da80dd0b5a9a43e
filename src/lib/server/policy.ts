// The server reads a province's rules through the core's resolved policy (src/lib/core/policy/resolve.ts): photo
// spec, thresholds, required bundle steps and province code; this file only turns an unknown province into the
// service's refusal.
import {
	resolve,
	resolvePolicy,
	UnknownProvinceError,
	withLivenessColour,
	withLivenessEvidence,
	type ResolvedPolicy
} from '../core/policy/resolve.ts';
import { config } from './config.ts';
import { ServiceError } from './services/errors.ts';

export type ServerPolicy = ResolvedPolicy;

const forTest = new Map<string, ResolvedPolicy>();

/**
 * Test mode's overrides: ZV_TEST_EVIDENCE_FRAMES resolves the province's policy with liveness evidence 'frames',
 * ZV_TEST_COLOUR with that colour challenge setting.
 */
function overriddenForTest(r: ResolvedPolicy): ResolvedPolicy {
	let e = forTest.get(r.policy.id);
	if (!e) {
		const evidence = config.testEvidenceFrames ? 'frames' : undefined;
		e = resolve(withLivenessColour(withLivenessEvidence(r.policy, evidence), config.testColour));
		forTest.set(r.policy.id, e);
	}
	return e;
}

export function serverPolicy(province: string): ServerPolicy {
	try {
		const r = resolvePolicy(province);
		return config.testEvidenceFrames || config.testColour ? overriddenForTest(r) : r;
	} catch (e) {
		if (!(e instanceof UnknownProvinceError)) throw e;
		throw new ServiceError(
			409,
			'unknown_province',
			'该省份尚未开通在线确认',
			`Online confirmation is not available for province "${province}".`
		);
	}
}
