// A candidate is confirmed once. The attack: two of the candidate's review cases approved at the same moment (two
// reviewers, or one reviewer's double click on two tabs). On PostgreSQL the two requests run in two transactions;
// the test holds the candidate's row lock until both wait for it, so the second one to get it runs exactly where a
// stale read would let it record a second confirmation. (PGlite has one connection: there the requests simply run
// one after the other, and the test checks the same answers.) The same for a review approval and the candidate's
// new phone submission at the same moment.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../integration/server-process.ts';
import { testServer } from '../integration/test-server.ts';
import { forge, inkedSignature, outcomeEventsOf, prepareForgery, registerCandidate } from './client.ts';
import { fixtureBytes } from './forgeries.ts';
import { behindCandidateLock } from '../support/candidate-lock.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';
import { maskIdNumber } from '../../src/lib/core/mask.ts';

let server: ServerProcess;
let admin = '';
let databaseUrl = '';
let close: () => Promise<void>;
let origin = '';

const photo = fixtureBytes('idphotos', 'blue_bg_man_compliant_480x640.jpg');

beforeAll(async () => {
	({
		server,
		cookie: admin,
		databaseUrl,
		close
	} = await testServer(3250, { ZV_STATIC_DIR: join(process.cwd(), 'static') }));
	origin = server.origin;
}, 180_000);
afterAll(() => close?.());

async function call(path: string, body?: object) {
	const r = await fetch(`${origin}${path}`, {
		method: body ? 'POST' : 'GET',
		headers: { cookie: admin, origin, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});
	return {
		status: r.status,
		body: (await r.json()) as {
			outcome?: string;
			admissionNumber?: string;
			error?: { code: string; zh: string; en: string };
		}
	};
}

/** Two review cases of one candidate: two sessions whose photos the server had nothing to compare with. */
async function twoReviewCases(): Promise<{ idNumber: string; cases: number[] }> {
	const idNumber = await registerCandidate(origin, 'hubei');
	const signature = await inkedSignature();
	for (let i = 0; i < 2; i++) {
		const held = await forge(origin, admin, idNumber, { photo, signature });
		expect(held.body.outcome, JSON.stringify(held.body)).toBe('review');
	}
	const { cases } = (await (await fetch(`${origin}/api/review`, { headers: { cookie: admin } })).json()) as {
		cases: { id: number; idNumber: string }[];
	};
	const mine = cases.filter((c) => c.idNumber === maskIdNumber(idNumber)).map((c) => c.id);
	expect(mine).toHaveLength(2);
	return { idNumber, cases: mine };
}

describe(`a candidate is confirmed once (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('two review cases of one candidate approved at the same moment: one confirmation, one refusal', async () => {
		const { idNumber, cases } = await twoReviewCases();
		const answers = await behindCandidateLock(databaseUrl, idNumber, 2, () =>
			cases.map((id) => call(`/api/review/${id}`, { decision: 'approve', comment: '人工核验通过' }))
		);
		const confirmed = answers.filter((a) => a.status === 200 && a.body.outcome === 'confirmed');
		const refused = answers.filter((a) => a.status === 409);
		expect(confirmed, JSON.stringify(answers)).toHaveLength(1);
		expect(refused, JSON.stringify(answers)).toHaveLength(1);
		expect(refused[0].body.error?.code).toBe('already_confirmed');
		expect(refused[0].body.error?.zh).toMatch(/[\u4e00-\u9fff]/);
		const events = await outcomeEventsOf(origin, idNumber);
		expect(events.filter((e) => e.result === 'confirmed')).toHaveLength(1);
	}, 180_000);
});

// A server of its own: on the one above, the first test confirmed this face under another ID number, so a new
// submission with it is held as a duplicate identity and could never confirm, whatever the lock did.
describe(`a review approval against a new submission (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	let own: Awaited<ReturnType<typeof testServer>>;
	beforeAll(async () => {
		own = await testServer(3256, { ZV_STATIC_DIR: join(process.cwd(), 'static') });
	}, 180_000);
	afterAll(() => own?.close());

	it("a review approval and the candidate's new phone submission at the same moment: one confirmation", async () => {
		// The helper above (call) and the lock work on these.
		origin = own.server.origin;
		databaseUrl = own.databaseUrl;
		admin = own.cookie;
		const idNumber = await registerCandidate(origin, 'hubei', {
			jpeg: fixtureBytes('idphotos', 'blue_bg_man_original_358x441.jpg'),
			source: 'previous_registration'
		});
		const signature = await inkedSignature();
		// The first attempt is held for a person: the phone says it could not compare the face with the card.
		const held = await forge(origin, admin, idNumber, {
			photo,
			signature,
			steps: (steps) =>
				steps.map((s) =>
					s.kind === 'liveness'
						? {
								...s,
								scores: Object.fromEntries(
									Object.entries(s.scores).filter(([name]) => name !== 'idPortraitSimilarity')
								)
							}
						: s
				)
		});
		expect(held.body.outcome, JSON.stringify(held.body)).toBe('review');
		const { cases } = (await (
			await fetch(`${origin}/api/review`, { headers: { cookie: admin } })
		).json()) as { cases: { id: number; idNumber: string; reviewReasons?: unknown }[] };
		const heldCase = cases.find((c) => c.idNumber === maskIdNumber(idNumber))!;
		// Control: held for the missing comparison, not as a duplicate (which no submission could win).
		expect(JSON.stringify(heldCase)).not.toContain('duplicate');
		const second = await prepareForgery(origin, admin, idNumber, { photo, signature });
		const [approval, submission] = await behindCandidateLock(databaseUrl, idNumber, 2, () => [
			call(`/api/review/${heldCase.id}`, { decision: 'approve', comment: '人工核验通过' }),
			second.send()
		]);
		const answers = [approval, submission];
		// The phone is told `checking` for a confirmation whose face awaits the duplicate sweep.
		const won = answers.filter(
			(a) => a.status === 200 && (a.body.outcome === 'confirmed' || a.body.outcome === FINAL_CHECK)
		);
		expect(won, JSON.stringify(answers)).toHaveLength(1);
		const lost = answers.find((a) => !won.includes(a))!;
		expect([lost.status, lost.body.error?.code], JSON.stringify(answers)).toEqual([409, 'already_confirmed']);
		const events = await outcomeEventsOf(origin, idNumber);
		expect(events.filter((e) => e.result === 'confirmed')).toHaveLength(1);
	}, 180_000);
});
