// Duplicate identity: the same face under a different ID number in the same exam area is the hired stand-in
// (枪手). Both the new outcome and the earlier one(s) go to manual review; nothing is decided automatically.
import { cosineSimilarity, FACE_MATCH } from '../../core/face/match.ts';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { countingDashboard } from './dashboard-counts.ts';

export interface DuplicateHit {
	outcomeId: number;
	candidateId: number;
	similarity: number;
}

/** An embedding's float32 values, big-endian: what the database keeps (migration 008 wrote old rows the same way). */
export function embeddingBytes(vector: ArrayLike<number>): Uint8Array {
	const bytes = new Uint8Array(vector.length * 4);
	const view = new DataView(bytes.buffer);
	for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i], false);
	return bytes;
}

/**
 * Decoded embeddings by outcome id, most recently used last. A stored embedding never changes (one row per outcome,
 * written once, only ever deleted), so a cached one is always right: the search lists the area's outcome ids from
 * the database every time and reads only the vectors it has not seen. Bounded (ZV_EMBEDDING_CACHE, default 20,000
 * = 40 MB); an area larger than that is read again each time, slower but the same.
 */
const cache = new Map<number, Float32Array>();
const CACHE_LIMIT = Math.max(0, Number(process.env.ZV_EMBEDDING_CACHE ?? 20_000) || 0);

function remember(outcomeId: number, vector: Float32Array): void {
	if (CACHE_LIMIT === 0) return;
	cache.delete(outcomeId);
	cache.set(outcomeId, vector);
	if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
}

/** Stored embedding bytes back to float32 values. */
export function decodeEmbedding(bytes: Uint8Array): Float32Array {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const vector = new Float32Array(bytes.byteLength / 4);
	for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, false);
	return vector;
}

/**
 * Other candidates' final photos in the exam area whose embedding matches at the strict threshold. Every embedding
 * of the area is compared (linear in its size); its vectors come from the database only the first time this
 * process sees them. As text, each row's 512 numbers had cost ~0.6 ms, 2.8 s for an area of 5,000 (PGlite).
 */
export async function findDuplicateFaces(
	tx: Db,
	examArea: string,
	candidateId: number,
	embedding: readonly number[],
	threshold: number = FACE_MATCH.strict
): Promise<DuplicateHit[]> {
	const rows = await tx
		.selectFrom('face_embeddings')
		.select(['outcome_id', 'candidate_id'])
		.where('exam_area', '=', examArea)
		.where('candidate_id', '!=', candidateId)
		.execute();
	const missing = rows.filter((r) => !cache.has(r.outcome_id)).map((r) => r.outcome_id);
	const fetched = new Map<number, Float32Array>();
	if (missing.length > 0) {
		const vectors = await tx
			.selectFrom('face_embeddings')
			.select(['outcome_id', 'vector'])
			.where('outcome_id', 'in', missing)
			.execute();
		for (const row of vectors) fetched.set(row.outcome_id, decodeEmbedding(row.vector));
	}
	const query = Float32Array.from(embedding);
	const hits: DuplicateHit[] = [];
	for (const row of rows) {
		const vector = fetched.get(row.outcome_id) ?? cache.get(row.outcome_id);
		// Deleted between the two reads (retention): nothing to compare.
		if (!vector) continue;
		remember(row.outcome_id, vector);
		const similarity = cosineSimilarity(query, vector);
		if (similarity >= threshold)
			hits.push({ outcomeId: row.outcome_id, candidateId: row.candidate_id, similarity });
	}
	return hits;
}

/**
 * Makes the exam area's duplicate searches take turns until this transaction ends. Without it two stand-ins
 * confirming at the same moment, in two transactions, would each search before the other's embedding is
 * committed, and neither would be found. Areas whose names hash alike only wait for each other.
 */
export async function lockExamArea(tx: Db, examArea: string): Promise<void> {
	await sql`select pg_advisory_xact_lock(7341002, hashtext(${examArea}))`.execute(tx);
}

/** Sends the earlier outcomes to review too, naming the new one. */
export async function flagEarlier(
	tx: Db,
	hits: readonly DuplicateHit[],
	newCandidateId: number
): Promise<void> {
	if (hits.length === 0) return;
	// Their rows locked first (a reviewer's decision on one waits), so the dashboard counts each change once.
	const flagged = await tx
		.selectFrom('outcomes')
		.select('session_id')
		.where(
			'id',
			'in',
			hits.map((hit) => hit.outcomeId)
		)
		.orderBy('id')
		.forUpdate()
		.execute();
	await countingDashboard(
		tx,
		flagged.map((f) => f.session_id),
		async () => {
			for (const hit of hits) {
				await tx
					.updateTable('outcomes')
					.set({
						review_status: 'pending',
						review_reasons: JSON.stringify([
							{
								code: 'duplicate_face',
								zh: '同一考区另一身份证号码的照片与此人脸相同',
								en: 'The same face appears under another ID number in this exam area',
								otherCandidateId: newCandidateId,
								similarity: hit.similarity
							}
						])
					})
					.where('id', '=', hit.outcomeId)
					.execute();
			}
		}
	);
}
