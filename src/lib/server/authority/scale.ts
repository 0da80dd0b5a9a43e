// The simulator stands in for an identity authority whose similarity is on its own scale. It measures with our face
// model (cosine similarity) and answers on the authority's scale, so that our calibrated match threshold lands
// exactly on the province's authority threshold: the server, which reads every authority answer against the
// policy's authority threshold, then decides on the simulator as it would on our model. A real authority needs no
// such mapping; its answer is on its scale already.
import { resolve } from '../../core/policy/resolve.ts';
import type { ProvincePolicy } from '../../core/policy/types.ts';

/** Our model's match threshold and the authority's, the two points the mapping ties together. */
export interface AuthorityScale {
	modelMatch: number;
	authorityMatch: number;
}

/** The scale of a province's policy: its face-match threshold onto its authority threshold. */
export function authorityScale(policy: ProvincePolicy): AuthorityScale {
	const authority = policy.serverEvidence.authority;
	if (!authority) throw new Error(`the ${policy.id} policy asks no identity authority`);
	return { modelMatch: resolve(policy).thresholds.faceMatch, authorityMatch: authority.threshold.value };
}

/**
 * Our model's cosine on the authority's 0..1 scale: monotone, piecewise linear through (0, 0), (modelMatch,
 * authorityMatch) and (1, 1); a negative cosine is 0. At or above modelMatch exactly when at or above authorityMatch.
 */
export function onAuthorityScale(cosine: number, scale: AuthorityScale): number {
	const { modelMatch: m, authorityMatch: a } = scale;
	if (cosine <= 0) return 0;
	if (cosine >= 1) return 1;
	if (cosine < m) return Math.min((cosine / m) * a, a - Number.EPSILON);
	return a + ((cosine - m) / (1 - m)) * (1 - a);
}
