// A reviewer's password leaks (read over a shoulder, reused from another site). Whoever holds it signs in and reads
// the review queue, where one approval lets a stand-in sit the exam. Tried by a scripted client against the built
// server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../integration/server-process.ts';
import { testServer } from '../integration/test-server.ts';

let server: ServerProcess;
let admin = '';
let close: () => Promise<void>;

beforeAll(async () => {
	({ server, cookie: admin, close } = await testServer(3700));
}, 180_000);
afterAll(() => close?.());

interface Account {
	username: string;
	password: string;
}

async function createReviewer(): Promise<Account> {
	const account = {
		username: `reviewer-${Math.floor(Math.random() * 1e9)}`,
		password: 'reviewer hubei password'
	};
	const r = await fetch(`${server.origin}/api/staff/users`, {
		method: 'POST',
		headers: { cookie: admin, 'content-type': 'application/json', origin: server.origin },
		body: JSON.stringify({ ...account, role: 'reviewer', province: 'hubei' })
	});
	expect(r.status, await r.text()).toBe(201);
	return account;
}

async function signIn(body: object): Promise<{ status: number; cookie: string; body: unknown }> {
	const r = await fetch(`${server.origin}/api/staff/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: server.origin },
		body: JSON.stringify(body)
	});
	return { status: r.status, cookie: r.headers.get('set-cookie')?.split(';')[0] ?? '', body: await r.json() };
}

describe("a reviewer's leaked password", () => {
	it('alone signs a stranger in, who reads the review queue', async () => {
		const reviewer = await createReviewer();
		const thief = await signIn({ username: reviewer.username, password: reviewer.password });
		expect(thief.status).toBe(200);
		const queue = await fetch(`${server.origin}/api/review`, { headers: { cookie: thief.cookie } });
		expect(queue.status).toBe(200);
	});
});
