// The statements one confirmation sends to the database, counted where the driver sends them (every query of
// every pg client, PGlite's too) while the real submission runs with the face engine, its duplicate search and
// the server's evidence. Each statement is a round trip the event loop writes and waits for: a change that adds
// one shows here as a higher count. A count, not a timing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { getPolicy } from '../../src/lib/core/policy/index.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import { authorityScale } from '../../src/lib/server/authority/index.ts';
import { simulatorAuthority } from '../../src/lib/server/authority/simulator.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { gatherEvidence } from '../../src/lib/server/services/evidence.ts';
import { memoryFaceIndexes } from '../../src/lib/server/services/face-index-memory.ts';
import { sendPendingPasswords } from '../../src/lib/server/services/password-jobs.ts';
import { referenceEmbedding } from '../../src/lib/server/services/reference-photos.ts';
import { outboxSender } from '../../src/lib/server/sms/outbox.ts';
import type { SubmitDeps } from '../../src/lib/server/services/submit.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import {
	approvedPhotoFor,
	openSession,
	registerCandidate,
	step,
	submitBundle,
	testAttachments
} from './support.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';

/** The statements every pg client sends while `counting` is set (begin and commit included). */
const sent: string[] = [];
let counting = false;
const query = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
// Patched before any database opens: each connection's prepared-statement wrapper calls this one.
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
	if (counting) {
		const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text;
		sent.push((text ?? '').replace(/\s+/g, ' ').slice(0, 120));
	}
	return query.apply(this, args);
} as typeof pg.Client.prototype.query;

let handle: TestDatabase;
let db: Db;
const engine = createFaceEngine(nodeRuntime);

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
	await memoryFaceIndexes(db)?.built;
});
afterAll(async () => {
	await handle.close();
	pg.Client.prototype.query = query as typeof pg.Client.prototype.query;
});

/** A candidate of the province whose reference photo is stored with its embedding, and their signed bundle. */
async function readyToConfirm(province: 'beijing' | 'hubei') {
	const c = await registerCandidate(
		db,
		province === 'beijing' ? { province, examArea: '北京市海淀区', address: '北京市海淀区测试路1号' } : {}
	);
	await approvedPhotoFor(db, c.idNumber);
	const { id } = await db
		.selectFrom('candidates')
		.select('id')
		.where('id_number', '=', c.idNumber)
		.executeTakeFirstOrThrow();
	// Embedded now, as the bench's reference photos are at registration.
	expect(await referenceEmbedding(db, id, async () => engine)).toHaveLength(512);
	const s = await openSession(db, c.idNumber);
	const bundle = await s.sign(s.payload([step('photo', true)], testAttachments(province)));
	return { sessionId: s.opened.sessionId, bundle };
}

async function statementsOfOneConfirmation(province: 'beijing' | 'hubei'): Promise<string[]> {
	const { sessionId, bundle } = await readyToConfirm(province);
	const policy = getPolicy(province);
	const deps: SubmitDeps = {
		face: engine,
		allowedModels: new Map(),
		evidence: gatherEvidence,
		...(policy.serverEvidence.authority
			? { authority: simulatorAuthority(db, async () => engine, authorityScale(policy)) }
			: {})
	};
	sent.length = 0;
	counting = true;
	try {
		const result = await submitBundle(db, sessionId, { bundle }, new Date(), deps);
		expect(result.outcome).toBe(FINAL_CHECK);
	} finally {
		counting = false;
	}
	return [...sent];
}

/**
 * Outside the transaction: the session's first read (with its rate limit) and the reference embedding. Inside it:
 * begin, the locks with the search's turn and settings, the search, the recording statement, the dashboard's facts
 * after it and its counters, commit. PGlite's search is the same single read before its index answers.
 */
const CEILING = 9;

describe(`statements of one confirmation (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	for (const province of ['beijing', 'hubei'] as const)
		it(`${province}: at most ${CEILING}`, async () => {
			const statements = await statementsOfOneConfirmation(province);
			expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(CEILING);
			expect(statements).toContain('begin');
			expect(statements.at(-1)).toBe('commit');
		});
});

/**
 * Hubei's password job after that confirmation, as each instance's runner calls it (one job at a time): the claim
 * with the job's candidate, the hash stored under the claim's lease, the SMS (the outbox's insert), the job marked
 * sent, and the claim that finds nothing more. Every statement is a round trip of the event loop and the database.
 */
const PASSWORD_JOB_CEILING = 5;

describe(`statements of one password job (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it(`hubei: at most ${PASSWORD_JOB_CEILING}, and the SMS sent once`, async () => {
		await sendPendingPasswords(db, outboxSender(db), { batch: 1 });
		// The same face as the confirmation above: forgotten first (as retention forgets it), or this one would be
		// held as its duplicate, with no password.
		const forgotten = await db
			.deleteFrom('face_embeddings')
			.where('province', '=', 'hubei')
			.returning('outcome_id')
			.execute();
		memoryFaceIndexes(db)?.remove(
			'hubei',
			forgotten.map((f) => f.outcome_id)
		);
		await statementsOfOneConfirmation('hubei');
		sent.length = 0;
		counting = true;
		let sms: number;
		try {
			sms = await sendPendingPasswords(db, outboxSender(db), { batch: 1 });
		} finally {
			counting = false;
		}
		expect(sms).toBe(1);
		expect(sent.length, sent.join('\n')).toBeLessThanOrEqual(PASSWORD_JOB_CEILING);
	});
});
