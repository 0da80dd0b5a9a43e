// The review queue lists a province's pending cases without an audit row, so it shows each candidate's ID number
// masked; the full number is shown only by the case itself, whose every look is audited under the candidate. The
// attack: a reviewer (or whoever holds a reviewer's session) reads the queue's JSON instead of the page and collects
// the full ID numbers and names of every pending case of the province at once, with no look on record. Before, the
// page masked the numbers but GET /api/review answered them in full.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../integration/server-process.ts';
import { testServer } from '../integration/test-server.ts';
import { forge, inkedSignature, registerCandidate, staffAccount } from './client.ts';
import { fixtureBytes } from './forgeries.ts';
import { maskIdNumber } from '../../src/lib/core/mask.ts';

let server: ServerProcess;
let admin = '';
let close: () => Promise<void>;
let origin = '';

const photo = fixtureBytes('idphotos', 'blue_bg_man_compliant_480x640.jpg');

beforeAll(async () => {
	({ server, cookie: admin, close } = await testServer(3330));
	origin = server.origin;
}, 180_000);
afterAll(() => close?.());

async function get(cookie: string, path: string) {
	const r = await fetch(`${origin}${path}`, { headers: { cookie, origin } });
	return { status: r.status, text: await r.text() };
}

describe(`the review queue's ID numbers (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('a reviewer reading the queue as JSON gets masked ID numbers; only the audited case shows one in full', async () => {
		// A Hubei candidate whose session is held for a person (no reference photo to compare the face with).
		const idNumber = await registerCandidate(origin, 'hubei');
		const held = await forge(origin, admin, idNumber, { photo, signature: await inkedSignature() });
		expect(held.body.outcome, JSON.stringify(held.body)).toBe('review');

		const reviewer = await staffAccount(origin, admin, 'reviewer', 'hubei');
		const queue = await get(reviewer, '/api/review');
		expect(queue.status).toBe(200);
		expect(queue.text).not.toContain(idNumber);
		const { cases } = JSON.parse(queue.text) as { cases: { id: number; idNumber: string }[] };
		const listed = cases.find((c) => c.idNumber === maskIdNumber(idNumber));
		expect(listed, queue.text).toBeDefined();

		// Control: the case itself, whose look is audited, shows the number in full.
		const opened = await get(reviewer, `/api/review/${listed!.id}`);
		expect(opened.status).toBe(200);
		expect(opened.text).toContain(idNumber);
	}, 180_000);
});
