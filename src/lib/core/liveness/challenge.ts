// Challenges are drawn on the server (and in tests with a seeded generator) from the province policy.
import type { LivenessPolicy } from '../policy/types.ts';
import type { Challenge } from './types.ts';

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** Unpredictable numbers from WebCrypto, available in browsers and Node alike. */
export function cryptoRng(): number {
	const word = new Uint32Array(1);
	globalThis.crypto.getRandomValues(word);
	return word[0] / 2 ** 32;
}

/** A deterministic generator (mulberry32) for tests and replayable demos; never for real challenges. */
export function seededRng(seed: number): Rng {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

/** FNV-1a of the nonce seeds the challenge's generator: the same moments on the phone and the server. */
export function nonceRng(nonce: string): Rng {
	let h = 0x811c9dc5;
	for (let i = 0; i < nonce.length; i++) h = Math.imul(h ^ nonce.charCodeAt(i), 0x01000193) >>> 0;
	return seededRng(h);
}

function pick(rng: Rng, n: number): number {
	return Math.min(Math.floor(rng() * n), n - 1);
}

/**
 * How long the phone records a digit reading: the middle of the policy's allowed length. The phone keeps only this
 * much of what it heard and saw, so a timer that fires late on a busy phone does not fail its own clip as too long.
 */
export function readingMs(challenge: { clipMinMs: number; clipMaxMs: number }): number {
	return (challenge.clipMinMs + challenge.clipMaxMs) / 2;
}

export function createChallenge(policy: LivenessPolicy, rng: Rng = cryptoRng): Challenge {
	if (policy.kind === 'digits') {
		if (policy.length < 4 || policy.length > 6)
			throw new Error(`digit challenge length ${policy.length} is not 4-6`);
		let digits = '';
		for (let i = 0; i < policy.length; i++) digits += String(pick(rng, 10));
		return { kind: 'digits', digits, clipMinMs: policy.clipMinMs, clipMaxMs: policy.clipMaxMs };
	}
	const pool = [...new Set(policy.pool)];
	if (policy.count < 2 || policy.count > pool.length) {
		throw new Error(`action challenge needs 2..${pool.length} actions, policy asks ${policy.count}`);
	}
	// Fisher-Yates: every order of every subset is equally likely, so a recorded video cannot anticipate it.
	for (let i = pool.length - 1; i > 0; i--) {
		const j = pick(rng, i + 1);
		[pool[i], pool[j]] = [pool[j], pool[i]];
	}
	return { kind: 'actions', actions: pool.slice(0, policy.count), stepTimeoutMs: policy.stepTimeoutMs };
}
