import { describe, expect, it, vi } from 'vitest';
import { createChallenge, cryptoRng, seededRng } from '../../../src/lib/core/liveness/index.ts';
import { beijing, fujian, hubei } from '../../../src/lib/core/policy/index.ts';

describe('action challenges', () => {
	it("draw the policy's count of distinct actions from its pool", () => {
		const rng = seededRng(1);
		for (let i = 0; i < 100; i++) {
			const c = createChallenge(beijing.liveness, rng);
			if (c.kind !== 'actions') throw new Error('kind');
			expect(c.actions.length).toBe(2);
			expect(new Set(c.actions).size).toBe(2);
			for (const a of c.actions)
				expect(beijing.liveness.kind === 'actions' && beijing.liveness.pool).toContain(a);
		}
	});

	it('vary the order: every ordered pair of the pool shows up', () => {
		const rng = seededRng(42);
		const pairs = new Set<string>();
		for (let i = 0; i < 2000; i++) {
			const c = createChallenge(fujian.liveness, rng);
			if (c.kind === 'actions') pairs.add(c.actions.join('>'));
		}
		expect(pairs.size).toBe(6 * 5);
	});

	it('use WebCrypto by default and refuse fewer than two actions', () => {
		// The server and the phone call createChallenge without a generator: a recorded video must not be able to
		// anticipate what it draws, so the default must be WebCrypto, not Math.random or a seeded generator.
		const random = vi.spyOn(Math, 'random');
		const webCrypto = vi.spyOn(globalThis.crypto, 'getRandomValues');
		try {
			for (const policy of [beijing, hubei]) {
				webCrypto.mockClear();
				createChallenge(policy.liveness);
				expect(webCrypto, policy.id).toHaveBeenCalled();
			}
			expect(random).not.toHaveBeenCalled();
		} finally {
			random.mockRestore();
			webCrypto.mockRestore();
		}
		const v = cryptoRng();
		expect(v).toBeGreaterThanOrEqual(0);
		expect(v).toBeLessThan(1);
		expect(() =>
			createChallenge({ ...beijing.liveness, kind: 'actions', count: 1, pool: ['blink'], stepTimeoutMs: 1 })
		).toThrow();
	});
});
