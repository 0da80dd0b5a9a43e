// The one way an outcome is recorded: the phone's submission, the attempt that used up the last try, the candidate's
// request for a review, a reviewer's decision and a kiosk operator's attestation all call recordOutcome. It refuses
// a second confirmation, draws the admission number (the only place one is drawn), and writes the outcome (a new row,
// or a reviewer's decision on an existing one), its attachments and face embedding, the candidate's number and lifted
// block (or, when a reviewer rejects a confirmation a duplicate flag held, its withdrawal), the password job of a
// confirmation that sends a password, the session's status, the registration system's event, today's photo upload
// count and the audit rows.
//
// All of it is one statement: PostgreSQL runs every data-modifying WITH clause exactly once and to completion, in
// the caller's transaction, so this is the same set of writes as one statement each, in one round trip instead of
// up to nine while the session's and the candidate's rows are locked. The counter's row (every confirmation of a
// province and year updates it) stays locked from this statement to the commit only; a photo count over the limit
// throws after the statement, which rolls back every write here, the counter's increment included.
import { sql } from 'kysely';
import { faceCode, faceCodeText } from '../../core/face/face-code.ts';
import { chinaDay } from '../../core/china-time.ts';
import type { OutcomeResult, ReviewStatus } from '../../core/outcome.ts';
import { auditRows, type AuditEntry } from '../audit.ts';
import type { Db } from '../db/index.ts';
import { ONE_CONFIRMATION, violates } from '../db/constraints.ts';
import type { ServerPolicy } from '../policy.ts';
import { admissionPrefix } from './admission.ts';
import { embeddingBytes } from './duplicates.ts';
import { dashboardChange, dashboardFactsJson } from './dashboard-counts.ts';
import { checkPhotoCount } from './limits.ts';
import { alreadyConfirmed, grantOf, sendsPassword, type Grant, type OutcomeEventFields } from './outcome.ts';

/** The candidate as the recording transaction locked and read it (lockCandidate, or the phone session's lock). */
export interface LockedCandidate {
	id: number;
	idNumber: string;
	/** The candidate's province: its admission counter and the registration event's province. */
	province: string;
	examArea: string;
	admissionNumber: string | null;
	phone: string;
	name: string;
	/** Already has a confirmed outcome (any session). */
	confirmed: boolean;
}

/** Locks the candidate's row (the lock every recording path takes) and reads what recordOutcome needs. */
export async function lockCandidate(tx: Db, candidateId: number): Promise<LockedCandidate> {
	const row = await tx
		.selectFrom('candidates')
		.select([
			'id',
			'id_number',
			'province',
			'exam_area',
			'admission_number',
			'phone',
			'name',
			// The locked row's own column: a subquery over outcomes would read them as of the statement's start,
			// before a confirmation committed while this statement waited for the lock.
			(eb) => eb('confirmed_at', 'is not', null).as('confirmed')
		])
		.where('id', '=', candidateId)
		.forUpdate()
		.executeTakeFirstOrThrow();
	return {
		id: row.id,
		idNumber: row.id_number,
		province: row.province,
		examArea: row.exam_area,
		admissionNumber: row.admission_number,
		phone: row.phone,
		name: row.name,
		confirmed: row.confirmed === true
	};
}

/** What is recorded: a new outcome with the evidence that ended the session, or a reviewer's decision on one. */
export type OutcomeRecord =
	| { kind: 'new'; bundleJson: string; bundleSha256: string; reviewReasons: readonly object[] }
	| {
			kind: 'decision';
			outcomeId: number;
			reviewedBy: number;
			comment: string;
			/** The outcome's result before the decision: `confirmed` when a later duplicate flag put it in review. */
			was: OutcomeResult;
	  };

export interface RecordOutcome {
	sessionId: string;
	candidate: LockedCandidate;
	record: OutcomeRecord;
	result: OutcomeResult;
	reviewStatus: ReviewStatus;
	/** The province's server policy: its code prefixes a drawn number, its limits count the photo. */
	policy: ServerPolicy;
	files?: readonly { kind: 'photo' | 'signature'; sha256: string; bytes: Uint8Array }[];
	/** The server's embedding of the photo's face, kept for duplicate search. */
	embedding?: readonly number[] | null;
	/** The submission uploaded a photo: counted against today's limit (refused beyond it). */
	photoUpload?: boolean;
	/** Who recorded it and why: every outcome has at least one audit row. */
	audit: readonly [AuditEntry, ...AuditEntry[]];
	now: Date;
}

export interface RecordedOutcome {
	id: number;
	/** Confirmed outcomes only: the candidate's number, the one they had or the one drawn here. */
	admissionNumber: string | null;
	/** The admission number, and where the password job sends the password once the transaction commits. */
	grant: Grant | null;
}

/**
 * Records an outcome in the caller's transaction, which has locked the candidate's row (and the session's). Refuses
 * with 409 `already_confirmed` to confirm a candidate a second time or to record anything new for a confirmed one.
 */
export async function recordOutcome(tx: Db, r: RecordOutcome): Promise<RecordedOutcome> {
	const { candidate, record, now } = r;
	// A decision on the candidate's own confirmation (held by a duplicate flag) keeps it or withdraws it.
	const ownConfirmation = record.kind === 'decision' && record.was === 'confirmed';
	if (candidate.confirmed && !ownConfirmation && (r.result === 'confirmed' || record.kind === 'new'))
		throw alreadyConfirmed();
	const confirmed = r.result === 'confirmed';
	const withdrawn = ownConfirmation && !confirmed;
	const draw = confirmed && candidate.admissionNumber === null;
	const existing = confirmed ? candidate.admissionNumber : null;
	const year = now.getUTCFullYear();
	// The counter's value padded to at least 8 digits (never cut), after the province code and two-digit year.
	const admissionNumber = sql<string | null>`coalesce(${existing}::text, (select ${admissionPrefix(
		r.policy.provinceCode,
		now
	)}::text || lpad(n.next_value::text, greatest(8, length(n.next_value::text)), '0') from n))`;
	const query = tx
		// `insert … select … where false` inserts nothing and returns no row: no draw, counter untouched.
		.with('n', (db) =>
			db
				.insertInto('admission_counters')
				.columns(['province', 'year', 'next_value'])
				.expression(
					db
						.selectNoFrom([
							sql<string>`${candidate.province}::text`.as('province'),
							sql<number>`${year}::integer`.as('year'),
							sql<number>`1`.as('next_value')
						])
						.where(sql<boolean>`${draw}::boolean`)
				)
				.onConflict((oc) =>
					oc.columns(['province', 'year']).doUpdateSet({ next_value: sql`admission_counters.next_value + 1` })
				)
				.returning('next_value')
		)
		.with('o', (db) =>
			record.kind === 'new'
				? db
						.insertInto('outcomes')
						.values({
							session_id: r.sessionId,
							candidate_id: candidate.id,
							result: r.result,
							bundle: record.bundleJson,
							bundle_sha256: record.bundleSha256,
							review_status: r.reviewStatus,
							review_reasons: JSON.stringify(record.reviewReasons),
							admission_number: admissionNumber
						})
						.returning(['id', 'admission_number'])
				: db
						.updateTable('outcomes')
						.set({
							result: r.result,
							review_status: r.reviewStatus,
							review_comment: record.comment,
							reviewed_by: record.reviewedBy,
							reviewed_at: now,
							admission_number: admissionNumber
						})
						.where('id', '=', record.outcomeId)
						.returning(['id', 'admission_number'])
		)
		.with('s', (db) =>
			db
				.updateTable('verification_sessions')
				.set({ status: r.result, completed_at: sql`coalesce(completed_at, ${now})` })
				.where('id', '=', r.sessionId)
				.returning('id')
		)
		.with('a', (db) => db.insertInto('audit_log').values(auditRows(r.audit)).returning('id'));
	// Optional writes stay in the statement and select no row when not wanted (`${wanted}` is a boolean
	// parameter), so the statement has one shape per kind; an unreferenced WITH clause still runs (PostgreSQL
	// docs 7.8.4).
	const file = (kind: 'photo' | 'signature') => r.files?.find((f) => f.kind === kind) ?? null;
	const photo = file('photo');
	const signature = file('signature');
	const embedding = r.embedding ? embeddingBytes(r.embedding) : null;
	const code = r.embedding ? faceCodeText(faceCode(r.embedding)) : null;
	// The registration system's event, completed with the outcome's id and admission number by the statement
	// (jsonb keeps no key order, so this is the object OutcomeEventFields describes).
	const event: Omit<OutcomeEventFields, 'outcomeId' | 'admissionNumber'> = {
		sessionId: r.sessionId,
		idNumber: candidate.idNumber,
		province: candidate.province,
		result: r.result,
		reviewStatus: r.reviewStatus,
		at: now.toISOString()
	};
	const row = await query
		.with('fa', (db) =>
			db
				.insertInto('attachments')
				.columns(['outcome_id', 'kind', 'sha256', 'bytes'])
				.expression((eb) => {
					const attachment = (kind: 'photo' | 'signature', f: typeof photo) =>
						eb
							.selectFrom('o')
							.select([
								'o.id',
								sql<string>`${kind}::text`.as('kind'),
								sql<string>`${f?.sha256 ?? null}::text`.as('sha256'),
								sql<Uint8Array>`${f?.bytes ?? null}::bytea`.as('bytes')
							])
							.where(sql<boolean>`${f !== null}::boolean`);
					return attachment('photo', photo).unionAll(attachment('signature', signature));
				})
				.returning('id')
		)
		.with('fe', (db) =>
			db
				.insertInto('face_embeddings')
				.columns(['outcome_id', 'candidate_id', 'exam_area', 'province', 'vector', 'code'])
				.expression((eb) =>
					eb
						.selectFrom('o')
						.select([
							'o.id',
							sql<number>`${candidate.id}::integer`.as('candidate_id'),
							sql<string>`${candidate.examArea}::text`.as('exam_area'),
							sql<string>`${candidate.province}::text`.as('province'),
							sql<Uint8Array>`${embedding}::bytea`.as('vector'),
							sql<string>`${code}::bit(512)`.as('code')
						])
						.where(sql<boolean>`${embedding !== null}::boolean`)
				)
				.returning('outcome_id')
		)
		.with('c', (db) =>
			db
				.updateTable('candidates')
				// A confirmation sets the number and ends any block on online attempts (a person or the server
				// decided); a withdrawn one leaves the candidate unconfirmed, the number kept for the next one.
				.set({
					admission_number: sql<string | null>`case when ${confirmed}::boolean
						then (select o.admission_number from o) else candidates.admission_number end`,
					online_blocked: sql<
						string | null
					>`case when ${confirmed}::boolean then null else candidates.online_blocked end`,
					confirmed_at: sql<Date | null>`case when ${confirmed}::boolean
						then coalesce(candidates.confirmed_at, ${now}) end`,
					updated_at: now
				})
				.where('id', '=', candidate.id)
				.where(sql<boolean>`${confirmed || withdrawn}::boolean`)
				.returning('id')
		)
		.with('u', (db) =>
			db
				.insertInto('photo_uploads')
				.columns(['candidate_id', 'day', 'uploads'])
				.expression(
					db
						.selectNoFrom([
							sql<number>`${candidate.id}::integer`.as('candidate_id'),
							sql<string>`${chinaDay(now.getTime())}::date`.as('day'),
							sql<number>`1`.as('uploads')
						])
						.where(sql<boolean>`${r.photoUpload === true}::boolean`)
				)
				.onConflict((oc) =>
					oc.columns(['candidate_id', 'day']).doUpdateSet({ uploads: sql`photo_uploads.uploads + 1` })
				)
				.returning('uploads')
		)
		// The confirmation's one-time password, drawn, hashed and sent by the password job after the commit.
		.with('pj', (db) =>
			db
				.insertInto('password_jobs')
				.columns(['outcome_id', 'candidate_id'])
				.expression((eb) =>
					eb
						.selectFrom('o')
						.select(['o.id', sql<number>`${candidate.id}::integer`.as('candidate_id')])
						.where(sql<boolean>`${confirmed && sendsPassword(r.policy)}::boolean`)
				)
				.onConflict((oc) => oc.column('outcome_id').doNothing())
				.returning('outcome_id')
		)
		.with('e', (db) =>
			db
				.insertInto('outcome_events')
				.columns(['outcome_id', 'payload'])
				.expression((eb) =>
					eb
						.selectFrom('o')
						.select([
							'o.id',
							sql<string>`${JSON.stringify(event)}::jsonb || jsonb_build_object('outcomeId', o.id, 'admissionNumber', o.admission_number)`.as(
								'payload'
							)
						])
				)
				.returning('id')
		)
		.selectFrom('o')
		.select([
			'o.id',
			'o.admission_number',
			(eb) => eb.selectFrom('u').select('u.uploads').as('uploads'),
			dashboardFactsJson([r.sessionId]).as('dashboard_before')
		])
		.executeTakeFirstOrThrow()
		.catch((e: unknown) => {
			// The database's own rule (one confirmation per candidate) caught what the locked read should have.
			throw violates(e, ONE_CONFIRMATION) ? alreadyConfirmed() : e;
		});
	// The dashboard's counters move with the outcome, in this transaction.
	await dashboardChange(tx, [r.sessionId], row.dashboard_before);
	// Today's uploads with this one: beyond the limit, the throw rolls back everything the statement wrote.
	if (row.uploads !== null) checkPhotoCount(r.policy.policy, row.uploads - 1);
	return {
		id: row.id,
		admissionNumber: row.admission_number,
		grant: row.admission_number ? grantOf(r.policy, candidate, row.admission_number) : null
	};
}
