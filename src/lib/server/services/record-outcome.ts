// The writes of a recorded submission in one statement: the outcome row and, keyed by its new id, the attachments,
// the face embedding and the outcome event, plus the candidate's admission number and password hash, the session's
// status and the audit rows. PostgreSQL runs every data-modifying WITH clause exactly once and to completion, in
// the caller's transaction, so this is the same set of writes as one statement each, in one round trip instead of
// up to seven while the session's and the candidate's rows are locked.
import { sql } from 'kysely';
import type { AuditEntry } from '../audit.ts';
import type { Db } from '../db/index.ts';
import type { OutcomeEventFields } from './outcome.ts';

export interface OutcomeWrite {
	sessionId: string;
	candidateId: number;
	examArea: string;
	result: string;
	bundleJson: string;
	bundleSha256: string;
	reviewStatus: string;
	reviewReasonsJson: string;
	admissionNumber: string | null;
	files: readonly { kind: 'photo' | 'signature'; sha256: string; bytes: Uint8Array }[];
	embedding: readonly number[] | null;
	/** The granted admission number and password hash written to the candidate's row (confirmed only). */
	candidateUpdate: { admissionNumber: string; passwordHash: string | null } | null;
	/** The registration system's event; null when the caller writes it later (a failure may change its review). */
	event: Omit<OutcomeEventFields, 'outcomeId'> | null;
	audit: readonly AuditEntry[];
	now: Date;
}

/** Writes everything `w` names; returns the new outcome's id. */
export async function writeOutcome(tx: Db, w: OutcomeWrite): Promise<number> {
	const query = tx
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
					admission_number: w.admissionNumber
				})
				.returning('id')
		)
		.with('s', (db) =>
			db
				.updateTable('verification_sessions')
				.set({ status: w.result, completed_at: w.now })
				.where('id', '=', w.sessionId)
				.returning('id')
		)
		.with('a', (db) =>
			db
				.insertInto('audit_log')
				.values(
					w.audit.map((entry) => ({
						actor: entry.actor,
						action: entry.action,
						session_id: entry.sessionId ?? null,
						candidate_id: entry.candidateId ?? null,
						detail: JSON.stringify(entry.detail ?? {})
					}))
				)
				.returning('id')
		);
	// Optional writes stay in the statement and select no row when not wanted (`${wanted}` is a boolean
	// parameter), so the statement has one shape; an unreferenced WITH clause still runs (PostgreSQL docs 7.8.4).
	const file = (kind: 'photo' | 'signature') => w.files.find((f) => f.kind === kind) ?? null;
	const photo = file('photo');
	const signature = file('signature');
	const embedding = w.embedding ? [...w.embedding] : null;
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
				.columns(['outcome_id', 'candidate_id', 'exam_area', 'embedding'])
				.expression((eb) =>
					eb
						.selectFrom('o')
						.select([
							'o.id',
							sql<number>`${w.candidateId}::integer`.as('candidate_id'),
							sql<string>`${w.examArea}::text`.as('exam_area'),
							sql<number[]>`${embedding}::real[]`.as('embedding')
						])
						.where(sql<boolean>`${embedding !== null}::boolean`)
				)
				.returning('outcome_id')
		)
		.with('c', (db) =>
			db
				.updateTable('candidates')
				.set({
					admission_number: update?.admissionNumber ?? null,
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
						// The outcome id comes from the insert above; jsonb keeps no key order, so this is the
						// same value insertOutcomeEvent writes when it builds the whole object itself.
						.select([
							'o.id',
							sql<string>`${payload}::jsonb || jsonb_build_object('outcomeId', o.id)`.as('payload')
						])
						.where(sql<boolean>`${payload !== null}::boolean`)
				)
				.returning('id')
		)
		.selectFrom('o')
		.select('o.id')
		.executeTakeFirstOrThrow();
	return row.id;
}
