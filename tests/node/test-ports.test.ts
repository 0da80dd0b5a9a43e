// The test servers' ports: one the Fetch standard blocks (3659 lies in the integration ranges) made a whole
// suite fail with "fetch failed: bad port" before a single request was sent.
import { describe, expect, it } from 'vitest';
import { pickPort } from '../integration/server-process.ts';

describe('pickPort', () => {
	it('never hands out a port that fetch refuses', async () => {
		const picked = new Set<number>();
		for (let i = 0; i < 60; i++) picked.add(await pickPort(3658, 3));
		expect([...picked].sort()).toEqual([3658, 3660]);
	});
});
