// The challenge bound to a session: a random nonce, the liveness actions or digits the policy asks for, an expiry.
// The phone echoes it exactly in the signed bundle; it is single-use because the session records one outcome.
import type { Challenge } from '../../core/bundle/schema.ts';
import { createChallenge } from '../../core/liveness/challenge.ts';
import type { Challenge as LivenessChallenge } from '../../core/liveness/types.ts';
import { LIVENESS_ACTIONS, type LivenessAction, type ProvincePolicy } from '../../core/policy/types.ts';
import { config } from '../config.ts';
import { newSecret } from './tokens.ts';

export function issueChallenge(
	policy: ProvincePolicy | null,
	now: Date,
	testLiveness: string | undefined = config.testLiveness
): Challenge {
	return {
		nonce: newSecret(),
		issuedAt: now.toISOString(),
		expiresAt: new Date(now.getTime() + config.challengeTtlMs).toISOString(),
		...(policy ? { liveness: fixedForTest(policy, testLiveness) ?? createChallenge(policy.liveness) } : {})
	};
}

/**
 * Test mode (ZV_E2E=1 with ZV_TEST_LIVENESS): a fixed challenge, so a recorded clip can perform it. Config only sets
 * `testLiveness` in test mode. A value that does not fit the province's kind leaves the random draw in place; a
 * malformed one throws, so a typo cannot silently turn the e2e tests back to random challenges.
 */
export function fixedForTest(policy: ProvincePolicy, raw: string | undefined): LivenessChallenge | null {
	if (raw === undefined) return null;
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		throw new Error(`ZV_TEST_LIVENESS is not JSON: ${raw}`);
	}
	const spec = policy.liveness;
	if (Array.isArray(value)) {
		const bad = value.filter((a) => !LIVENESS_ACTIONS.includes(a as LivenessAction));
		if (value.length === 0 || bad.length > 0) throw new Error(`ZV_TEST_LIVENESS: unknown actions ${raw}`);
		if (spec.kind !== 'actions') return null;
		return { kind: 'actions', actions: value as LivenessAction[], stepTimeoutMs: spec.stepTimeoutMs };
	}
	if (typeof value === 'string') {
		if (!/^\d{4,6}$/.test(value)) throw new Error(`ZV_TEST_LIVENESS: digits must be 4-6 digits, got ${raw}`);
		if (spec.kind !== 'digits') return null;
		return { kind: 'digits', digits: value, clipMinMs: spec.clipMinMs, clipMaxMs: spec.clipMaxMs };
	}
	throw new Error(`ZV_TEST_LIVENESS must be an array of actions or a digit string, got ${raw}`);
}
