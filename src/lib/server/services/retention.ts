// Retention: the final photo and signature image are deleted (bytes set to null, the row and its sha256 kept as
// evidence of what was received) once they are older than their province's office.retentionDays, the number its
// privacy policy and face-information notice print (one source: the policy). Embeddings go with them, and a
// reference photo's bytes and embedding that many days after its candidate's confirmation. A province whose policy
// keeps them 0 days or fewer keeps them.
import { policies } from '../../core/policy/index.ts';
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';
import { memoryFaceIndexes } from './face-index-memory.ts';

const DAY_MS = 86_400_000;

/** Deletes what each province's policy no longer keeps; returns how many attachments lost their bytes. */
export async function applyRetention(db: Db, now = new Date()): Promise<number> {
	let deleted = 0;
	for (const [province, policy] of Object.entries(policies)) {
		const days = policy.office.retentionDays;
		if (days <= 0) continue;
		const expired = await deleteExpired(db, province, new Date(now.getTime() - days * DAY_MS), now);
		// Committed: the embeddings leave the in-memory index (PGlite) in one call.
		memoryFaceIndexes(db)?.remove(province, expired.embeddings);
		deleted += expired.attachments;
	}
	return deleted;
}

async function deleteExpired(
	db: Db,
	province: string,
	cutoff: Date,
	now: Date
): Promise<{ attachments: number; embeddings: number[] }> {
	return db.transaction().execute(async (tx) => {
		const deleted = await tx
			.updateTable('attachments')
			.set({ bytes: null, deleted_at: now })
			.where('deleted_at', 'is', null)
			.where('created_at', '<', cutoff)
			.where(
				'outcome_id',
				'in',
				tx
					.selectFrom('outcomes')
					.innerJoin('verification_sessions', 'verification_sessions.id', 'outcomes.session_id')
					.select('outcomes.id')
					.where('verification_sessions.province', '=', province)
			)
			.returning('outcome_id')
			.execute();
		const outcomeIds = [...new Set(deleted.map((d) => d.outcome_id))];
		const embeddings = outcomeIds.length
			? await tx
					.deleteFrom('face_embeddings')
					.where('outcome_id', 'in', outcomeIds)
					.returning('outcome_id')
					.execute()
			: [];
		// A reference photo has served once its candidate is confirmed: bytes and embedding go the same number of
		// days after the confirmation (the row, its source and sha256 stay).
		const references = await tx
			.updateTable('reference_photos')
			.set({ jpeg: null, embedding: null, deleted_at: now })
			.where('deleted_at', 'is', null)
			.where(({ exists, selectFrom }) =>
				exists(
					selectFrom('outcomes')
						.innerJoin('candidates', 'candidates.id', 'outcomes.candidate_id')
						.select('outcomes.id')
						.whereRef('outcomes.candidate_id', '=', 'reference_photos.candidate_id')
						.where('candidates.province', '=', province)
						.where('outcomes.result', '=', 'confirmed')
						.where('outcomes.recorded_at', '<', cutoff)
				)
			)
			.returning('candidate_id')
			.execute();
		const detail = { province, count: 0, cutoff: cutoff.toISOString() };
		if (references.length)
			await audit(tx, {
				actor: 'retention',
				action: 'reference_photos.deleted',
				detail: { ...detail, count: references.length }
			});
		if (deleted.length)
			await audit(tx, {
				actor: 'retention',
				action: 'attachments.deleted',
				detail: { ...detail, count: deleted.length }
			});
		return { attachments: deleted.length, embeddings: embeddings.map((e) => e.outcome_id) };
	});
}
