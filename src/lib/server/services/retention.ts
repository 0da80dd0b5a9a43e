// Retention: the final photo and signature image are deleted (bytes set to null, the row and its sha256 kept as
// evidence of what was received) once they are older than ZV_PHOTO_RETENTION_DAYS. Embeddings go with them.
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';

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
		if (deleted.length)
			await audit(tx, {
				actor: 'retention',
				action: 'attachments.deleted',
				detail: { count: deleted.length, cutoff: cutoff.toISOString() }
			});
		return deleted.length;
	});
}
