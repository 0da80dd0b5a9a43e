// recordOutcome writes outcome, attachments, candidate, session, event, upload count and audit rows in one statement
// (record-outcome.ts): every row it must write is there, once, with the values the separate statements wrote.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db/index.ts';
import { sql } from 'kysely';
import { chinaDay } from '../../src/lib/core/china-time.ts';
import { serverPolicy } from '../../src/lib/server/policy.ts';
import {
	lockCandidate,
	recordOutcome,
	type LockedCandidate,
	type RecordOutcome
} from '../../src/lib/server/services/record-outcome.ts';
import type { SubmitDeps } from '../../src/lib/server/services/submit.ts';
import { fixture } from '../support/fixtures.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import {
	newIdNumber,
	openSession,
	registerCandidate,
	step,
	submitBundle,
	TEST_SIGNATURE
} from './support.ts';

let handle: TestDatabase;
let db: Db;

const deps: SubmitDeps = { face: null, allowedModels: new Map() };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const photo = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));
const signature = TEST_SIGNATURE;

/** A Beijing confirmation of `candidate` in `sessionId` with an empty bundle, as a phone submission records it. */
const beijingConfirmation = (
	sessionId: string,
	candidate: LockedCandidate,
	more: Partial<RecordOutcome> = {}
): RecordOutcome => ({
	sessionId,
	candidate,
	record: {
		kind: 'new',
		bundleJson: '{}',
		bundleSha256: sha256(new TextEncoder().encode(sessionId)),
		reviewReasons: []
	},
	result: 'confirmed',
	reviewStatus: 'none',
	policy: serverPolicy('beijing'),
	audit: [{ actor: 'phone', action: 'bundle.accepted', sessionId, candidateId: candidate.id }],
	now: new Date(),
	...more
});

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

async function rowsOf(sessionId: string) {
	const outcomes = await db.selectFrom('outcomes').selectAll().where('session_id', '=', sessionId).execute();
	const ids = outcomes.map((o) => o.id);
	const none = [-1];
	return {
		outcomes,
		attachments: await db
			.selectFrom('attachments')
			.selectAll()
			.where('outcome_id', 'in', ids.length ? ids : none)
			.orderBy('kind')
			.execute(),
		events: await db
			.selectFrom('outcome_events')
			.selectAll()
			.where('outcome_id', 'in', ids.length ? ids : none)
			.execute(),
		session: await db
			.selectFrom('verification_sessions')
			.select(['status', 'completed_at'])
			.where('id', '=', sessionId)
			.executeTakeFirstOrThrow(),
		audit: await db
			.selectFrom('audit_log')
			.select(['action', 'candidate_id', 'detail'])
			.where('session_id', '=', sessionId)
			// The submission's own entries (opening the session wrote some too).
			.where('action', 'not like', 'session.%')
			.orderBy('id')
			.execute()
	};
}

describe(`one-statement recording (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('a confirmed Hubei submission with photo and signature writes every row once', async () => {
		const candidate = await registerCandidate(db, { phone: '13922223333' });
		const s = await openSession(db, candidate.idNumber);
		const bundle = await s.sign(
			s.payload([step('photo')], { photoSha256: sha256(photo), signatureSha256: sha256(signature) })
		);
		const now = new Date();
		const result = await submitBundle(db, s.opened.sessionId, { bundle, photo, signature }, now, deps);
		expect(result.outcome).toBe('confirmed');
		expect(result.admissionNumber).toMatch(/^42\d{10}$/);

		const rows = await rowsOf(s.opened.sessionId);
		expect(rows.outcomes).toHaveLength(1);
		const [outcome] = rows.outcomes;
		expect(outcome).toMatchObject({
			result: 'confirmed',
			review_status: 'none',
			review_reasons: [],
			admission_number: result.admissionNumber
		});
		expect(outcome.bundle).toEqual(bundle);
		expect(rows.attachments.map((a) => [a.kind, a.sha256])).toEqual([
			['photo', sha256(photo)],
			['signature', sha256(signature)]
		]);
		// The bytes round-trip exactly (bytea through the statement's casts).
		expect(sha256(rows.attachments[0].bytes!)).toBe(sha256(photo));
		expect(sha256(rows.attachments[1].bytes!)).toBe(sha256(signature));
		expect(rows.session.status).toBe('confirmed');
		expect(new Date(rows.session.completed_at!).getTime()).toBe(now.getTime());
		expect(rows.events).toHaveLength(1);
		expect(rows.events[0].payload).toEqual({
			outcomeId: outcome.id,
			sessionId: s.opened.sessionId,
			idNumber: candidate.idNumber,
			province: 'hubei',
			result: 'confirmed',
			reviewStatus: 'none',
			admissionNumber: result.admissionNumber,
			at: now.toISOString()
		});
		expect(rows.audit.map((a) => a.action)).toEqual(['photo.upload', 'bundle.accepted']);
		expect(rows.audit[1].detail).toEqual({
			outcome: 'confirmed',
			duplicates: 0,
			held: [],
			evidence: { code: 'face_match', zh: '人脸比对通过', en: 'The face matches' }
		});
		expect(rows.audit.every((a) => a.candidate_id === outcome.candidate_id)).toBe(true);
		const row = await db
			.selectFrom('candidates')
			.select(['admission_number', 'password_hash', 'updated_at'])
			.where('id', '=', outcome.candidate_id)
			.executeTakeFirstOrThrow();
		expect(row.admission_number).toBe(result.admissionNumber);
		// The password is the job's (password-jobs.test.ts): recorded in the same statement, not yet hashed.
		expect(row.password_hash).toBeNull();
		const job = await db
			.selectFrom('password_jobs')
			.select(['candidate_id', 'sent_at'])
			.where('outcome_id', '=', outcome.id)
			.executeTakeFirstOrThrow();
		expect(job).toEqual({ candidate_id: outcome.candidate_id, sent_at: null });
		expect(new Date(row.updated_at).getTime()).toBe(now.getTime());
	});

	it('a Fujian confirmation (its live still, no signature) writes the still as its one file and no password', async () => {
		const candidate = await registerCandidate(db, {
			idNumber: newIdNumber('350102'),
			province: 'fujian',
			examArea: '福州市鼓楼区'
		});
		const s = await openSession(db, candidate.idNumber);
		const result = await submitBundle(
			db,
			s.opened.sessionId,
			{ bundle: await s.sign(s.payload([step('record')])) },
			new Date(),
			deps
		);
		expect(result.outcome).toBe('confirmed');
		const rows = await rowsOf(s.opened.sessionId);
		expect(rows.attachments.map((a) => a.kind)).toEqual(['photo']);
		expect(rows.events).toHaveLength(1);
		expect(rows.audit.map((a) => a.action)).toEqual(['photo.upload', 'bundle.accepted']);
		const row = await db
			.selectFrom('candidates')
			.select(['admission_number', 'password_hash'])
			.where('id_number', '=', candidate.idNumber)
			.executeTakeFirstOrThrow();
		expect(row).toEqual({ admission_number: result.admissionNumber, password_hash: null });
		const jobs = await db
			.selectFrom('password_jobs')
			.innerJoin('candidates', 'candidates.id', 'password_jobs.candidate_id')
			.select('outcome_id')
			.where('candidates.id_number', '=', candidate.idNumber)
			.execute();
		expect(jobs).toEqual([]);
	});

	it('a second confirmation written from a stale read of the candidate is refused by the database, 409', async () => {
		const candidate = await registerCandidate(db, {
			idNumber: newIdNumber('110105'),
			province: 'beijing',
			examArea: '北京市朝阳区'
		});
		const first = await openSession(db, candidate.idNumber);
		const second = await openSession(db, candidate.idNumber);
		const { id } = await db
			.selectFrom('candidates')
			.select('id')
			.where('id_number', '=', candidate.idNumber)
			.executeTakeFirstOrThrow();
		// What a transaction read before the first confirmation committed.
		const stale = await db.transaction().execute((tx) => lockCandidate(tx, id));
		expect(stale.confirmed).toBe(false);
		const confirm = (sessionId: string) => (tx: Db) =>
			recordOutcome(tx, beijingConfirmation(sessionId, stale));
		await db.transaction().execute(confirm(first.opened.sessionId));
		await expect(db.transaction().execute(confirm(second.opened.sessionId))).rejects.toMatchObject({
			status: 409,
			code: 'already_confirmed'
		});
		expect((await rowsOf(second.opened.sessionId)).outcomes).toEqual([]);
		// The locked read now says so itself, from the candidate's row.
		expect((await db.transaction().execute((tx) => lockCandidate(tx, id))).confirmed).toBe(true);
	});

	it('a failure writes no admission number, and its event carries the review its count asked for', async () => {
		const candidate = await registerCandidate(db);
		let last: Awaited<ReturnType<typeof rowsOf>> | null = null;
		for (let i = 1; i <= 3; i++) {
			const s = await openSession(db, candidate.idNumber);
			await submitBundle(
				db,
				s.opened.sessionId,
				{ bundle: await s.sign(s.payload([step('liveness', false)])) },
				new Date(),
				deps
			);
			last = await rowsOf(s.opened.sessionId);
			expect(last.outcomes).toHaveLength(1);
			expect(last.outcomes[0].admission_number).toBeNull();
			expect(last.session.status).toBe('failed');
			expect(last.events).toHaveLength(1);
			expect(last.events[0].payload).toMatchObject({
				outcomeId: last.outcomes[0].id,
				result: 'failed',
				admissionNumber: null,
				// The third failure used the last attempt: the outcome went to review, and so says its event.
				reviewStatus: i === 3 ? 'pending' : 'none'
			});
		}
		expect(last!.outcomes[0].review_status).toBe('pending');
		const row = await db
			.selectFrom('candidates')
			.select(['admission_number', 'password_hash'])
			.where('id_number', '=', candidate.idNumber)
			.executeTakeFirstOrThrow();
		expect(row).toEqual({ admission_number: null, password_hash: null });
	});

	it('the statement draws the next admission number and counts the upload of the day; a refusal rolls both back', async () => {
		const candidate = await registerCandidate(db, {
			idNumber: newIdNumber('110101'),
			province: 'beijing',
			examArea: '北京市东城区'
		});
		const s = await openSession(db, candidate.idNumber);
		const sessionId = s.opened.sessionId;
		const now = new Date();
		const day = chinaDay(now.getTime());
		const uploads = async () =>
			(
				await db
					.selectFrom('photo_uploads')
					.select('uploads')
					.where('candidate_id', '=', locked.id)
					.where('day', '=', sql<string>`${day}::date`)
					.executeTakeFirst()
			)?.uploads ?? 0;
		const counter = async (tx: Db = db) =>
			(
				await tx
					.selectFrom('admission_counters')
					.select('next_value')
					.where('province', '=', 'beijing')
					.where('year', '=', now.getUTCFullYear())
					.executeTakeFirst()
			)?.next_value ?? 0;
		const { id } = await db
			.selectFrom('candidates')
			.select('id')
			.where('id_number', '=', candidate.idNumber)
			.executeTakeFirstOrThrow();
		const locked = await db.transaction().execute((tx) => lockCandidate(tx, id));
		expect(locked).toMatchObject({ idNumber: candidate.idNumber, province: 'beijing', confirmed: false });
		const record = (tx: Db) =>
			recordOutcome(
				tx,
				beijingConfirmation(sessionId, locked, {
					photoUpload: true,
					audit: [{ actor: 'phone', action: 'photo.upload', sessionId, candidateId: locked.id }],
					now
				})
			);
		const yy = String(now.getUTCFullYear() % 100).padStart(2, '0');
		const before = await counter();

		// A refusal after the statement: nothing it wrote stays, the counter and the upload count included.
		await expect(
			db.transaction().execute(async (tx) => {
				const written = await record(tx);
				expect(written.admissionNumber).toBe(`11${yy}${String(before + 1).padStart(8, '0')}`);
				throw new Error('refused');
			})
		).rejects.toThrow('refused');
		expect(await counter()).toBe(before);
		expect(await uploads()).toBe(0);
		expect((await rowsOf(sessionId)).outcomes).toHaveLength(0);

		// A counter past eight digits is not cut, and the statement's number follows the counter.
		await expect(
			db.transaction().execute(async (tx) => {
				await tx
					.insertInto('admission_counters')
					.values({ province: 'beijing', year: now.getUTCFullYear(), next_value: 999_999_999 })
					.onConflict((oc) => oc.columns(['province', 'year']).doUpdateSet({ next_value: 999_999_999 }))
					.execute();
				expect((await record(tx)).admissionNumber).toBe(`11${yy}1000000000`);
				throw new Error('rolled back');
			})
		).rejects.toThrow('rolled back');
		expect(await counter()).toBe(before);

		// The day's fifteen uploads are used: recordOutcome itself refuses the sixteenth, and rolls back.
		await db.insertInto('photo_uploads').values({ candidate_id: locked.id, day, uploads: 15 }).execute();
		await expect(db.transaction().execute(record)).rejects.toMatchObject({ code: 'photo_limit' });
		expect(await counter()).toBe(before);
		expect(await uploads()).toBe(15);

		await db.updateTable('photo_uploads').set({ uploads: 3 }).where('candidate_id', '=', locked.id).execute();
		const written = await db.transaction().execute(record);
		expect(written.admissionNumber).toBe(`11${yy}${String(before + 1).padStart(8, '0')}`);
		expect(await counter()).toBe(before + 1);
		expect(await uploads()).toBe(4);
		const rows = await rowsOf(sessionId);
		expect(rows.outcomes.map((o) => o.admission_number)).toEqual([written.admissionNumber]);
		expect(rows.events.map((e) => e.payload)).toEqual([
			{
				outcomeId: written.id,
				sessionId,
				idNumber: candidate.idNumber,
				province: 'beijing',
				result: 'confirmed',
				reviewStatus: 'none',
				admissionNumber: written.admissionNumber,
				at: now.toISOString()
			}
		]);
		expect(rows.session.status).toBe('confirmed');
		const row = await db
			.selectFrom('candidates')
			.select('admission_number')
			.where('id', '=', locked.id)
			.executeTakeFirstOrThrow();
		expect(row.admission_number).toBe(written.admissionNumber);

		// Nothing confirms the candidate again, and nothing new is recorded for them.
		const again = await openSession(db, candidate.idNumber);
		await expect(
			db.transaction().execute(async (tx) =>
				recordOutcome(tx, {
					sessionId: again.opened.sessionId,
					candidate: await lockCandidate(tx, locked.id),
					record: { kind: 'new', bundleJson: '{}', bundleSha256: 'x', reviewReasons: [] },
					result: 'failed',
					reviewStatus: 'none',
					policy: serverPolicy('beijing'),
					audit: [{ actor: 'phone', action: 'bundle.accepted' }],
					now
				})
			)
		).rejects.toMatchObject({ code: 'already_confirmed' });
	});
});
