// The challenge bound to a session: a random nonce, the liveness actions or digits the policy asks for, an expiry.
// The phone echoes it exactly in the signed bundle; it is single-use because the session records one outcome.
import type { Challenge } from '../../core/bundle/schema.ts';
import { createChallenge } from '../../core/liveness/challenge.ts';
import type { ProvincePolicy } from '../../core/policy/index.ts';
import { config } from '../config.ts';
import { newSecret } from './tokens.ts';

export function issueChallenge(policy: ProvincePolicy | null, now: Date): Challenge {
	return {
		nonce: newSecret(),
		issuedAt: now.toISOString(),
		expiresAt: new Date(now.getTime() + config.challengeTtlMs).toISOString(),
		...(policy ? { liveness: createChallenge(policy.liveness) } : {})
	};
}
