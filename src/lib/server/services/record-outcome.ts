// The writes of a recorded submission in one statement: the outcome row and, keyed by its new id, the attachments,
// the face embedding and the outcome event, plus the candidate's admission number and password hash, the session's
// status and the audit rows. PostgreSQL runs every data-modifying WITH clause exactly once and to completion, in
// the caller's transaction, so this is the same set of writes as one statement each, in one round trip instead of
// up to seven while the session's and the candidate's rows are locked.
//
// The same statement draws a new admission number from the province's counter and counts the candidate's photo
// uploads of the day: two round trips fewer, and the counter's row (every confirmation of a province and year
// updates it) stays locked from this statement to the commit only. The count is read in the statement's snapshot,
// taken after the caller's locking statement, and excludes this statement's own audit rows; a count over the limit
// makes the caller throw, which rolls back every write here, the counter's increment included.
import { sql } from 'kysely';
import { auditRows, type AuditEntry } from '../audit.ts';
import type { Db } from '../db/index.ts';
import { admissionPrefix } from './admission.ts';
import { embeddingBytes } from './duplicates.ts';
import type { OutcomeEventFields } from './outcome.ts';

/** A confirmed outcome's admission number: the candidate's own, or the next of the province's counter. */
export type AdmissionGrant =
	{ kind: 'existing'; number: string } | { kind: 'draw'; province: string; provinceCode: string };

export interface OutcomeWrite {
	sessionId: string;
	candidateId: number;
	examArea: string;
	result: string;
	bundleJson: string;
	bundleSha256: string;
	reviewStatus: string;
	reviewReasonsJson: string;
	/** Confirmed outcomes only; null writes no admission number. */
	admission: AdmissionGrant | null;
	/** Counts the candidate's photo uploads since then (before this one); null counts nothing. */
	countUploadsSince: Date | null;
	files: readonly { kind: 'photo' | 'signature'; sha256: string; bytes: Uint8Array }[];
	embedding: readonly number[] | null;
	/** The granted admission number and this password hash go to the candidate's row (confirmed only). */
	candidateUpdate: { passwordHash: string | null } | null;
	/**
	 * The registration system's event; null when the caller writes it later (a failure may change its review).
	 * The statement sets its outcomeId and admissionNumber (the outcome row's: a drawn number is known only there).
	 */
	event: Omit<OutcomeEventFields, 'outcomeId'> | null;
	audit: readonly AuditEntry[];
	now: Date;
}

export interface WrittenOutcome {
	id: number;
	admissionNumber: string | null;
	/** The photo uploads counted (countUploadsSince), or null. */
	photoUploads: number | null;
}

/** Writes everything `w` names; returns the new outcome's id, its admission number and the upload count. */
export async function writeOutcome(tx: Db, w: OutcomeWrite): Promise<WrittenOutcome> {
	const draw = w.admission?.kind === 'draw' ? w.admission : null;
	const year = w.now.getUTCFullYear();
	const prefix = draw ? admissionPrefix(draw.provinceCode, w.now) : null;
	const existing = w.admission?.kind === 'existing' ? w.admission.number : null;
	const query = tx
		// `insert … select … where false` inserts nothing and returns no row: no draw, counter untouched.
		.with('n', (db) =>
			db
				.insertInto('admission_counters')
				.columns(['province', 'year', 'next_value'])
				.expression(
					db
						.selectNoFrom([
							sql<string>`${draw?.province ?? null}::text`.as('province'),
							sql<number>`${year}::integer`.as('year'),
							sql<number>`1`.as('next_value')
						])
						.where(sql<boolean>`${draw !== null}::boolean`)
				)
				.onConflict((oc) =>
					oc.columns(['province', 'year']).doUpdateSet({ next_value: sql`admission_counters.next_value + 1` })
				)
				.returning('next_value')
		)
		.with('o', (db) =>
			db
				.insertInto('outcomes')
				.values({
					session_id: w.sessionId,
					candidate_id: w.candidateId,
					result: w.result,
					bundle: w.bundleJson,
					bundle_sha256: w.bundleSha256,
					review_status: w.reviewStatus,
					review_reasons: w.reviewReasonsJson,
					// The counter's value padded to 8 digits, as allocateAdmissionNumber's padStart (never cut).
					admission_number: sql<
						string | null
					>`coalesce(${existing}::text, (select ${prefix}::text || lpad(n.next_value::text, greatest(8, length(n.next_value::text)), '0') from n))`
				})
				.returning(['id', 'admission_number'])
		)
		.with('s', (db) =>
			db
				.updateTable('verification_sessions')
				.set({ status: w.result, completed_at: w.now })
				.where('id', '=', w.sessionId)
				.returning('id')
		)
		.with('a', (db) => db.insertInto('audit_log').values(auditRows(w.audit)).returning('id'));
	// Optional writes stay in the statement and select no row when not wanted (`${wanted}` is a boolean
	// parameter), so the statement has one shape; an unreferenced WITH clause still runs (PostgreSQL docs 7.8.4).
	const file = (kind: 'photo' | 'signature') => w.files.find((f) => f.kind === kind) ?? null;
	const photo = file('photo');
	const signature = file('signature');
	const embedding = w.embedding ? embeddingBytes(w.embedding) : null;
	const update = w.candidateUpdate;
	const payload = w.event ? JSON.stringify(w.event) : null;
	const row = await query
		.with('fp', (db) =>
			db
				.insertInto('attachments')
				.columns(['outcome_id', 'kind', 'sha256', 'bytes'])
				.expression((eb) =>
					eb
						.selectFrom('o')
						.select([
							'o.id',
							sql<string>`'photo'`.as('kind'),
							sql<string>`${photo?.sha256 ?? null}::text`.as('sha256'),
							sql<Uint8Array>`${photo?.bytes ?? null}::bytea`.as('bytes')
						])
						.where(sql<boolean>`${photo !== null}::boolean`)
				)
				.returning('id')
		)
		.with('fs', (db) =>
			db
				.insertInto('attachments')
				.columns(['outcome_id', 'kind', 'sha256', 'bytes'])
				.expression((eb) =>
					eb
						.selectFrom('o')
						.select([
							'o.id',
							sql<string>`'signature'`.as('kind'),
							sql<string>`${signature?.sha256 ?? null}::text`.as('sha256'),
							sql<Uint8Array>`${signature?.bytes ?? null}::bytea`.as('bytes')
						])
						.where(sql<boolean>`${signature !== null}::boolean`)
				)
				.returning('id')
		)
		.with('fe', (db) =>
			db
				.insertInto('face_embeddings')
				.columns(['outcome_id', 'candidate_id', 'exam_area', 'vector'])
				.expression((eb) =>
					eb
						.selectFrom('o')
						.select([
							'o.id',
							sql<number>`${w.candidateId}::integer`.as('candidate_id'),
							sql<string>`${w.examArea}::text`.as('exam_area'),
							sql<Uint8Array>`${embedding}::bytea`.as('vector')
						])
						.where(sql<boolean>`${embedding !== null}::boolean`)
				)
				.returning('outcome_id')
		)
		.with('c', (db) =>
			db
				.updateTable('candidates')
				.set({
					admission_number: sql<string | null>`(select o.admission_number from o)`,
					updated_at: w.now,
					...(update?.passwordHash ? { password_hash: update.passwordHash } : {})
				})
				.where('id', '=', w.candidateId)
				.where(sql<boolean>`${update !== null}::boolean`)
				.returning('id')
		)
		.with('e', (db) =>
			db
				.insertInto('outcome_events')
				.columns(['outcome_id', 'payload'])
				.expression((eb) =>
					eb
						.selectFrom('o')
						// The outcome id and admission number come from the insert above (null unless confirmed, as
						// outcomeEventFields gives it); jsonb keeps no key order, so this is the same value
						// insertOutcomeEvent writes when it builds the whole object itself.
						.select([
							'o.id',
							sql<string>`${payload}::jsonb || jsonb_build_object('outcomeId', o.id, 'admissionNumber', o.admission_number)`.as(
								'payload'
							)
						])
						.where(sql<boolean>`${payload !== null}::boolean`)
				)
				.returning('id')
		)
		.selectFrom('o')
		.select([
			'o.id',
			'o.admission_number',
			(eb) =>
				(w.countUploadsSince
					? eb
							.selectFrom('audit_log')
							.select((c) => c.fn.countAll<string>().as('n'))
							.where('audit_log.candidate_id', '=', w.candidateId)
							.where('audit_log.action', '=', 'photo.upload')
							.where('audit_log.at', '>=', w.countUploadsSince)
					: sql<string | null>`null`
				).as('photo_uploads')
		])
		.executeTakeFirstOrThrow();
	return {
		id: row.id,
		admissionNumber: row.admission_number,
		photoUploads: row.photo_uploads === null ? null : Number(row.photo_uploads)
	};
}
