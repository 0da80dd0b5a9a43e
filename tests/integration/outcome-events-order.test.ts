// The registration system's polling API (GET /api/registration/outcomes?since=…) must never pass over an event.
// Event ids come from a sequence when the row is written, not when its transaction commits: a confirmation that
// commits after a later one has a smaller id. A poll between the two commits saw the later event and moved its
// cursor past the earlier one, which no later poll returned. Here a transaction holds an event uncommitted (as a
// slow confirmation does) while the built server records another; the poller must still get both.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	hubeiRecord,
	preparePhone,
	pollOutcomes,
	registerOverHttp,
	type ServerProcess
} from './server-process.ts';
import { fixture } from '../support/fixtures.ts';
import { testServer } from './test-server.ts';
import { newIdNumber } from './support.ts';

const photo = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));
let server: ServerProcess;
let cookie = '';
let databaseUrl = '';
let close: () => Promise<void>;

beforeAll(async () => {
	// Without the face engine every submission is review: what matters here is the events' order, not the outcome.
	({ server, cookie, databaseUrl, close } = await testServer(3730, { ZV_SERVER_FACE: '0' }));
}, 120_000);
afterAll(() => close?.());

async function record(): Promise<void> {
	const idNumber = newIdNumber();
	await registerOverHttp(server.origin, [hubeiRecord(idNumber)]);
	const phone = await preparePhone(server.origin, cookie, idNumber, photo);
	const r = await fetch(`${server.origin}/api/phone/submit`, {
		method: 'POST',
		body: phone.form(),
		headers: { origin: server.origin }
	});
	expect(r.status, await r.clone().text()).toBe(200);
}

async function poll(since: number): Promise<{ ids: number[]; next: number }> {
	const page = await pollOutcomes(server.origin, since);
	return { ids: page.events.map((e) => e.id), next: page.next };
}

describe(`the outcome events poll (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	// PGlite has one connection: its transactions cannot commit out of order.
	it.skipIf(!process.env.DATABASE_URL)(
		'returns an event whose transaction commits after a later one, on the next poll',
		async () => {
			await record();
			const start = await poll(0);
			const slow = new pg.Client({ connectionString: databaseUrl });
			await slow.connect();
			try {
				await slow.query('begin');
				const { rows } = await slow.query<{ id: string }>(
					`insert into outcome_events (outcome_id, payload)
					 select id, '{"slow": true}'::jsonb from outcomes order by id limit 1 returning id`
				);
				const slowId = Number(rows[0].id);
				await record();
				const first = await poll(start.next);
				expect(first.ids.length).toBeGreaterThan(0);
				expect(Math.min(...first.ids)).toBeGreaterThan(slowId);
				await slow.query('commit');
				const second = await poll(first.next);
				expect([...first.ids, ...second.ids]).toContain(slowId);
			} finally {
				await slow.end();
			}
		},
		60_000
	);
});
