// Guessing a staff password with requests sent all at once, as a scripted client can: the sign-in limits
// (LOGIN_FAILURE_RULES, 5 failures a minute per username and address) must hold for a burst as for a sequence.
// Each guess the server checks answers 401 (wrong) or 200 (right); one it refuses unchecked answers 429. The right
// password, sent last of 40, must only sign in if it was one of the 5 the minute allows.
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../integration/server-process.ts';
import { withinOneWindow } from '../integration/support.ts';
import { testServer } from '../integration/test-server.ts';
import { LOGIN_FAILURE_RULES } from '../../src/lib/server/services/staff.ts';

let server: ServerProcess;
let admin = '';
let close: () => Promise<void>;

beforeAll(async () => {
	// Behind a proxy that reports the client's address, so the attacker and the real user come from two.
	({ server, cookie: admin, close } = await testServer(3260, { ADDRESS_HEADER: 'x-forwarded-for' }));
}, 180_000);
afterAll(() => {
	burstAgent.destroy();
	return close?.();
});

/** A connection per request, all opened at once (fetch's pool would queue some of a burst behind others). */
const burstAgent = new Agent({ maxSockets: Infinity });

function signIn(username: string, password: string, address: string): Promise<number> {
	const body = JSON.stringify({ username, password });
	return new Promise((resolve, reject) => {
		const headers = {
			'content-type': 'application/json',
			'content-length': Buffer.byteLength(body),
			origin: server.origin,
			'x-forwarded-for': address
		};
		const { hostname, port } = new URL(server.origin);
		request(
			{ hostname, port, path: '/api/staff/login', method: 'POST', agent: burstAgent, headers },
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			}
		)
			.on('error', reject)
			.end(body);
	});
}

describe('staff sign-in under a burst of guesses', () => {
	it('checks at most the minute’s 5 of 40 guesses sent at once; the real user elsewhere still signs in', async () => {
		const username = `reviewer-burst-${Math.floor(Math.random() * 1e9)}`;
		const password = 'the reviewer’s real password';
		const created = await fetch(`${server.origin}/api/staff/users`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: admin, origin: server.origin },
			body: JSON.stringify({ username, password, role: 'reviewer', province: 'hubei' })
		});
		expect(created.status).toBe(201);
		const [{ limit, windowMs }] = LOGIN_FAILURE_RULES;
		// The windows follow the wall clock: the burst must not straddle a minute's end (two windows, twice the guesses).
		await withinOneWindow(windowMs, 30_000);
		const guesses = Array.from({ length: 40 }, (_, i) => (i === 39 ? password : `guess number ${i}`));
		const answers = await Promise.all(guesses.map((guess) => signIn(username, guess, '203.0.113.50')));
		const checked = answers.filter((status) => status === 401 || status === 200);
		expect(checked.length, answers.join(',')).toBeLessThanOrEqual(limit);
		expect(answers.filter((status) => status === 429)).toHaveLength(40 - checked.length);
		// The real user, from another address, is not locked out (the attacker's own address waiting for the window's
		// end is abuse.test.ts's: here the right guess may, rarely, be among the five checked and sign in).
		expect(await signIn(username, password, '198.51.100.20')).toBe(200);
	});
});
