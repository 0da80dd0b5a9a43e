// The identity authority's threshold lives in the province policy, on the authority's own scale; the simulator puts
// our model's cosine on that scale so that it decides exactly as our calibrated threshold does.
import { describe, expect, it } from 'vitest';
import { beijing, fujian, hubei } from '../../../src/lib/core/policy/index.ts';
import { authorityScale, onAuthorityScale } from '../../../src/lib/server/authority/scale.ts';

describe('the authority threshold and the simulator scale', () => {
	it("Beijing asks the authority at a threshold of its own, not our face model's", () => {
		const authority = beijing.serverEvidence.authority;
		expect(authority).not.toBe(false);
		if (!authority) return;
		expect(authority.threshold.value).not.toBe(beijing.thresholds.faceMatch.value);
		expect(authority.threshold.placeholder).toBe(true);
		expect(hubei.serverEvidence.authority).toBe(false);
		expect(fujian.serverEvidence.authority).toBe(false);
		expect(() => authorityScale(hubei)).toThrow(/asks no identity authority/);
	});

	it("maps our match threshold onto the authority's, monotone, within 0..1, deciding alike on both sides", () => {
		const scale = authorityScale(beijing);
		const { modelMatch, authorityMatch } = scale;
		expect(onAuthorityScale(modelMatch, scale)).toBeCloseTo(authorityMatch, 12);
		expect(onAuthorityScale(-0.3, scale)).toBe(0);
		expect(onAuthorityScale(1, scale)).toBe(1);
		let last = -Infinity;
		for (let c = -1; c <= 1.0001; c += 0.01) {
			const s = onAuthorityScale(c, scale);
			expect(s).toBeGreaterThanOrEqual(last);
			expect(s).toBeGreaterThanOrEqual(0);
			expect(s).toBeLessThanOrEqual(1);
			expect(s >= authorityMatch, `cosine ${c}`).toBe(c >= modelMatch);
			last = s;
		}
	});
});
