// Retention: the final photo and signature image are deleted (bytes set to null, the row and its sha256 kept as
// evidence of what was received) once they are older than ZV_PHOTO_RETENTION_DAYS. Embeddings go with them, and
// a reference photo's bytes and embedding that many days after its candidate's confirmation.
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';
import { config } from '../config.ts';

export async function deleteExpiredAttachments(
	db: Db,
	retentionDays: number,
	now = new Date()
): Promise<number> {
	if (retentionDays <= 0) return 0;
	const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
	return db.transaction().execute(async (tx) => {
		const deleted = await tx
			.updateTable('attachments')
			.set({ bytes: null, deleted_at: now })
			.where('deleted_at', 'is', null)
			.where('created_at', '<', cutoff)
			.returning('outcome_id')
			.execute();
		const outcomeIds = [...new Set(deleted.map((d) => d.outcome_id))];
		if (outcomeIds.length)
			await tx.deleteFrom('face_embeddings').where('outcome_id', 'in', outcomeIds).execute();
		// A reference photo has served once its candidate is confirmed: bytes and embedding go the same number of
		// days after the confirmation (the row, its source and sha256 stay).
		const references = await tx
			.updateTable('reference_photos')
			.set({ jpeg: null, embedding: null, deleted_at: now })
			.where('deleted_at', 'is', null)
			.where(({ exists, selectFrom }) =>
				exists(
					selectFrom('outcomes')
						.select('outcomes.id')
						.whereRef('outcomes.candidate_id', '=', 'reference_photos.candidate_id')
						.where('outcomes.result', '=', 'confirmed')
						.where('outcomes.recorded_at', '<', cutoff)
				)
			)
			.returning('candidate_id')
			.execute();
		if (references.length)
			await audit(tx, {
				actor: 'retention',
				action: 'reference_photos.deleted',
				detail: { count: references.length, cutoff: cutoff.toISOString() }
			});
		if (deleted.length)
			await audit(tx, {
				actor: 'retention',
				action: 'attachments.deleted',
				detail: { count: deleted.length, cutoff: cutoff.toISOString() }
			});
		return deleted.length;
	});
}

/** The hourly retention job (jobs.ts). */
export const applyRetention = (db: Db, now = new Date()) =>
	deleteExpiredAttachments(db, config.photoRetentionDays, now);
