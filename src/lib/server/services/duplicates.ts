// Duplicate identity: the same face under a different ID number in the same exam area is the hired stand-in
// (枪手). Both the new outcome and the earlier one(s) go to manual review; nothing is decided automatically.
import { cosineSimilarity, FACE_MATCH } from '../../core/face/match.ts';
import type { Db } from '../db/index.ts';

export interface DuplicateHit {
	outcomeId: number;
	candidateId: number;
	similarity: number;
}

/** Other candidates' final photos in the exam area whose embedding matches at the strict threshold. */
export async function findDuplicateFaces(
	tx: Db,
	examArea: string,
	candidateId: number,
	embedding: readonly number[],
	threshold: number = FACE_MATCH.strict
): Promise<DuplicateHit[]> {
	const rows = await tx
		.selectFrom('face_embeddings')
		.select(['outcome_id', 'candidate_id', 'embedding'])
		.where('exam_area', '=', examArea)
		.where('candidate_id', '!=', candidateId)
		.execute();
	const hits: DuplicateHit[] = [];
	for (const row of rows) {
		const similarity = cosineSimilarity(embedding, row.embedding.map(Number));
		if (similarity >= threshold)
			hits.push({ outcomeId: row.outcome_id, candidateId: row.candidate_id, similarity });
	}
	return hits;
}

/** Sends the earlier outcomes to review too, naming the new one. */
export async function flagEarlier(
	tx: Db,
	hits: readonly DuplicateHit[],
	newCandidateId: number
): Promise<void> {
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
