// The outcome webhook carries a signed body: it goes to the configured URL and nowhere else, so a redirect (from a
// compromised or misconfigured receiver) is a failed delivery, never followed. Against real local HTTP servers.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhooks } from '../../src/lib/server/services/webhook.ts';
import { testDatabase, type TestDatabase } from './db.ts';

let handle: TestDatabase;
const servers: Server[] = [];

beforeAll(async () => {
	handle = await testDatabase();
});
afterAll(async () => {
	for (const s of servers) await new Promise((r) => s.close(r));
	await handle.close();
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
	const server = createServer(handler);
	servers.push(server);
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe(`webhook redirects (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('a 307 from the receiver is not followed: the other server gets nothing, the event stays undelivered', async () => {
		const elsewhere: string[] = [];
		const target = await listen((req, res) => {
			let body = '';
			req.on('data', (d) => (body += d));
			req.on('end', () => {
				elsewhere.push(body);
				res.end('ok');
			});
		});
		const receiver = await listen((req, res) => {
			req.resume();
			res.writeHead(307, { location: `${target}/steal` }).end();
		});
		const { db } = handle;
		// An outcome to announce: the demo candidate's session, failed (what it says does not matter here).
		const candidate = await db.selectFrom('candidates').select(['id', 'province']).executeTakeFirstOrThrow();
		const sessionId = randomUUID();
		await db
			.insertInto('verification_sessions')
			.values({
				id: sessionId,
				candidate_id: candidate.id,
				province: candidate.province,
				token_hash: randomUUID(),
				token_expires_at: new Date(),
				pc_secret_hash: randomUUID()
			})
			.execute();
		const outcome = await db
			.insertInto('outcomes')
			.values({
				session_id: sessionId,
				candidate_id: candidate.id,
				result: 'failed',
				bundle: '{}',
				bundle_sha256: randomUUID()
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await db
			.insertInto('outcome_events')
			.values({ outcome_id: outcome.id, payload: JSON.stringify({ result: 'failed', sessionId }) })
			.execute();
		const delivered = await deliverWebhooks(db, { url: `${receiver}/hook`, secret: 'shared-secret' });
		expect(delivered).toBe(0);
		expect(elsewhere).toEqual([]);
		const event = await db
			.selectFrom('outcome_events')
			.select(['delivered_at', 'last_error'])
			.executeTakeFirstOrThrow();
		expect(event.delivered_at).toBeNull();
		expect(event.last_error).toMatch(/redirect|307/i);
	});
});
