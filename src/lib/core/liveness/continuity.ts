// Identity continuity: the face at the end of a challenge must be the face at its start. The similarity function is
// injected (cosine over the face engine's embeddings in production, a lookup table in tests).
import type { ContinuityResult } from './types.ts';

export type Similarity<S> = (a: S, b: S) => number;

/**
 * Compares every sample with the first one and with its predecessor; the lowest similarity decides. Comparing with
 * the predecessor too catches a swap even when the anchor frame was poor. Fewer than two samples cannot show
 * continuity, so they fail (fail closed).
 */
export function checkContinuity<S>(
	samples: readonly S[],
	similarity: Similarity<S>,
	threshold: number
): ContinuityResult {
	if (samples.length < 2) return { passed: false, samples: samples.length, minSimilarity: null, threshold };
	let min = Infinity;
	for (let i = 1; i < samples.length; i++) {
		min = Math.min(min, similarity(samples[0], samples[i]), similarity(samples[i - 1], samples[i]));
	}
	return {
		passed: min >= threshold,
		samples: samples.length,
		minSimilarity: Math.round(min * 1000) / 1000,
		threshold
	};
}
