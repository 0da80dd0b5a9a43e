// Passive anti-spoof scores of sampled frames folded into one decision. The median, not the mean, decides: one
// badly lit frame should neither sink a live candidate nor one lucky frame rescue a print.
import { median } from './stats.ts';
import type { SpoofResult } from './types.ts';

export function foldAntiSpoof(scores: readonly number[], threshold: number): SpoofResult {
	if (scores.length === 0) return { passed: false, samples: 0, median: null, min: null, threshold };
	const m = median(scores);
	return {
		passed: m >= threshold,
		samples: scores.length,
		median: Math.round(m * 1000) / 1000,
		min: Math.round(Math.min(...scores) * 1000) / 1000,
		threshold
	};
}
