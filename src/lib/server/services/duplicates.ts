// Duplicate identity: the same face under a different ID number in the same province is the hired stand-in
// (枪手), who works across a province's exam areas. Both the new outcome and the earlier one(s) go to manual review; nothing is decided automatically.
import { cosineSimilarity, FACE_MATCH } from '../../core/face/match.ts';
import { sql, type Expression } from 'kysely';
import { createHash } from 'node:crypto';
import { FACE_HANDOFF_SETTING, FACE_INDEX, HAS_FACE_VECTORS } from '../db/face-index.ts';
import type { Db } from '../db/index.ts';
import { countingDashboard } from './dashboard-counts.ts';
import { memoryFaceIndexes } from './face-index-memory.ts';
import { ADVISORY_LOCKS } from '../db/locks.ts';
import { markUnseenPending } from './outcome-events.ts';

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
 * written once, only ever deleted), so a cached one is always right: the search lists the province's outcome ids from
 * the database every time and reads only the vectors it has not seen. Bounded (ZV_EMBEDDING_CACHE, default 20,000
 * = 40 MB); a province larger than that is read again each time, slower but the same.
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
 * Other candidates' final photos in the province whose embedding matches at the strict threshold. On PostgreSQL
 * with pgvector the province's HNSW index proposes the nearest FACE_INDEX.limit embeddings; on PGlite the
 * province's in-memory hnswlib index does (face-index-memory.ts) once built, and until then every embedding of the
 * province is a candidate. Either way the decision is the same cosine of the stored float32 values against the
 * same threshold.
 */
export async function findDuplicateFaces(
	tx: Db,
	province: string,
	candidateId: number,
	embedding: readonly number[],
	threshold: number = FACE_MATCH.strict,
	efSearch: number = FACE_INDEX.efSearch,
	/** Whether the database has the vector column, when the caller's statement made the settings (searchTurn). */
	indexed?: boolean
): Promise<DuplicateHit[]> {
	const search = async (db: Db) =>
		(indexed ?? (await indexSettings(db, efSearch, embedding)))
			? await nearestInIndex(db, province, candidateId, embedding)
			: ((await nearestInMemory(db, province, candidateId, embedding, efSearch)) ??
				(await everyInProvince(db, province, candidateId)));
	// The settings hold for a transaction: the submission's, or one of the search's own.
	const candidates = tx.isTransaction ? await search(tx) : await tx.transaction().execute(search);
	const query = Float32Array.from(embedding);
	const hits: DuplicateHit[] = [];
	for (const row of candidates) {
		const similarity = cosineSimilarity(query, row.vector);
		if (similarity >= threshold)
			hits.push({ outcomeId: row.outcomeId, candidateId: row.candidateId, similarity });
	}
	// The nearest ones at most, on both databases: a face matched that often is a case for review already, and
	// each hit is an update of an earlier outcome in this transaction.
	return hits.sort((a, b) => b.similarity - a.similarity).slice(0, FACE_INDEX.limit);
}

interface StoredEmbedding {
	outcomeId: number;
	candidateId: number;
	vector: Float32Array;
}

/**
 * The HNSW search's settings, for the rest of the transaction `tx`; with the embedding, also handed to the
 * face_embeddings trigger (db/face-index.ts) for the row this transaction records, which then need not decode
 * its bytes in SQL. Answers whether the database has the vector column (the search's one round trip before it
 * searches; on PGlite the settings are unused placeholders).
 */
export async function indexSettings(
	tx: Db,
	efSearch: number = FACE_INDEX.efSearch,
	embedding?: readonly number[]
): Promise<boolean> {
	const { rows } = await sql<{
		indexed: boolean;
	}>`select ${sql.join(settingColumns(efSearch, embedding))}`.execute(tx);
	return rows[0].indexed;
}

/** indexSettings' select list: `indexed`, and the settings as columns of no use to the reader. */
function settingColumns(efSearch: number, embedding?: readonly number[]) {
	return [
		sql<boolean>`exists(${sql.raw(HAS_FACE_VECTORS)})`.as('indexed'),
		sql<string>`set_config('hnsw.ef_search', ${String(efSearch)}, true)`.as('ef_search'),
		sql<string>`set_config('hnsw.iterative_scan', 'strict_order', true)`.as('iterative_scan'),
		sql<string>`set_config(${FACE_HANDOFF_SETTING}, ${embedding ? faceHandoff(embedding) : ''}, true)`.as(
			'handoff'
		)
	];
}

/**
 * The select list that gives the submission's transaction its turn at the province's duplicate search
 * (PROVINCE_LOCK) and makes the search's settings (indexSettings), for the statement that has just locked the
 * session's row: the search then needs no round trip before its own. `province` is that row's column.
 */
export function searchTurn(province: Expression<string>, embedding: readonly number[]) {
	return [provinceTurn(province).as('turn'), ...settingColumns(FACE_INDEX.efSearch, embedding)];
}

/** The embedding as the trigger takes it: the sha256 of its stored bytes, a space, its float32 values as pgvector text. */
export function faceHandoff(embedding: readonly number[]): string {
	const floats = Float32Array.from(embedding);
	const hash = createHash('sha256').update(embeddingBytes(floats)).digest('hex');
	return `${hash} [${floats.join(',')}]`;
}

/** The query that walks the province's HNSW index (the bench explains this one). */
export function nearestFacesQuery(province: string, candidateId: number, embedding: readonly number[]) {
	const query = `[${embedding.join(',')}]`;
	// The province as a literal: the planner picks a partial index only for a predicate it can see.
	return sql<{ outcome_id: number; candidate_id: number; vector: Uint8Array }>`
		select outcome_id, candidate_id, vector from face_embeddings
		where province = ${sql.lit(province)} and candidate_id <> ${candidateId}
		order by face <=> ${query}::vector limit ${sql.lit(FACE_INDEX.limit)}`;
}

/**
 * The province's embeddings nearest to the query by its HNSW index (approximate: its recall against an exact
 * scan is measured by tests/bench/duplicates.bench.ts), in the transaction `tx` whose settings indexSettings made.
 */
async function nearestInIndex(
	tx: Db,
	province: string,
	candidateId: number,
	embedding: readonly number[]
): Promise<StoredEmbedding[]> {
	const { rows } = await nearestFacesQuery(province, candidateId, embedding).execute(tx);
	return rows.map((r) => ({
		outcomeId: r.outcome_id,
		candidateId: r.candidate_id,
		vector: decodeEmbedding(r.vector)
	}));
}

/**
 * Every embedding of the province but the candidate's own (linear in the province's size); its vectors come from
 * the database only the first time this process sees them. As text, each row's 512 numbers had cost ~0.6 ms,
 * 2.8 s for an area of 5,000 (PGlite).
 */
async function everyInProvince(tx: Db, province: string, candidateId: number): Promise<StoredEmbedding[]> {
	return withVectors(tx, await othersInProvince(tx, province, candidateId).execute());
}

/** The province's embedding rows of other candidates (ids only): what both PGlite searches read. */
function othersInProvince(tx: Db, province: string, candidateId: number) {
	return tx
		.selectFrom('face_embeddings')
		.select(['outcome_id', 'candidate_id'])
		.where('province', '=', province)
		.where('candidate_id', '!=', candidateId);
}

/**
 * The rows the province's in-memory index proposes (PGlite), or null while it is not ready. It is asked for the
 * candidate's own rows too (a filter would call into JS at every node it visits), which are dropped here, as is a
 * proposal whose row is gone.
 */
async function nearestInMemory(
	tx: Db,
	province: string,
	candidateId: number,
	embedding: readonly number[],
	efSearch: number
): Promise<StoredEmbedding[] | null> {
	const indexes = memoryFaceIndexes(tx);
	if (indexes?.stateOf(province) !== 'ready') return null;
	const { own } = await tx
		.selectFrom('face_embeddings')
		.innerJoin('outcomes', 'outcomes.id', 'face_embeddings.outcome_id')
		.select(sql<number>`count(*)::int`.as('own'))
		.where('outcomes.candidate_id', '=', candidateId)
		.where('face_embeddings.province', '=', province)
		.executeTakeFirstOrThrow();
	const ids = await indexes.nearest(province, Float32Array.from(embedding), FACE_INDEX.limit + own, efSearch);
	if (ids === null) return null;
	if (ids.length === 0) return [];
	const rows = await othersInProvince(tx, province, candidateId)
		.where(sql<boolean>`outcome_id = any(${ids}::integer[])`)
		.execute();
	return withVectors(tx, rows);
}

/** The rows with their vectors: from the cache, else read in one query. */
async function withVectors(
	tx: Db,
	rows: readonly { outcome_id: number; candidate_id: number }[]
): Promise<StoredEmbedding[]> {
	const missing = rows.filter((r) => !cache.has(r.outcome_id)).map((r) => r.outcome_id);
	const fetched = new Map<number, Float32Array>();
	if (missing.length > 0) {
		const vectors = await tx
			.selectFrom('face_embeddings')
			.select(['outcome_id', 'vector'])
			// One array parameter: a province can miss more ids than a statement has parameters (65,535).
			.where(sql<boolean>`outcome_id = any(${missing}::integer[])`)
			.execute();
		for (const row of vectors) fetched.set(row.outcome_id, decodeEmbedding(row.vector));
	}
	const stored: StoredEmbedding[] = [];
	for (const row of rows) {
		const vector = fetched.get(row.outcome_id) ?? cache.get(row.outcome_id);
		// Deleted between the two reads (retention): nothing to compare.
		if (vector) stored.push({ outcomeId: row.outcome_id, candidateId: row.candidate_id, vector });
	}
	// Only now: remembered while reading, the fetched rows pushed cached ones not yet read out of a cache smaller
	// than the province, and those rows were then skipped as if deleted (a stand-in missed).
	for (const row of stored) remember(row.outcomeId, row.vector);
	return stored;
}

/**
 * The advisory lock's first key; the second is the province's hashtext (searchTurn). It makes the province's
 * duplicate searches take turns until the transaction ends. Without it two stand-ins confirming at the same moment,
 * in two transactions, would each search before the other's embedding is committed, and neither would be found.
 * Provinces whose codes hash alike only wait for each other.
 */
const PROVINCE_LOCK = String(ADVISORY_LOCKS.provinceTurn);

/** The lock expression (PROVINCE_LOCK) that holds the province's turn until the transaction ends. */
const provinceTurn = (province: Expression<string> | string) =>
	sql<unknown>`pg_advisory_xact_lock(${sql.raw(PROVINCE_LOCK)}, hashtext(${province}))`;

/** Takes the province's turn for the rest of the transaction `tx`, outside a confirmation. */
export async function takeProvinceTurn(tx: Db, province: string): Promise<void> {
	await sql`select ${provinceTurn(province)}`.execute(tx);
}

/**
 * The review reason a duplicate face gives, on the new outcome and on the earlier one it matched: it names the
 * other outcome, so the review page shows both candidates side by side.
 */
export function duplicateFaceReason(other: { candidateId: number; outcomeId: number }, similarity: number) {
	return {
		code: 'duplicate_face',
		zh: '同一省份另一身份证号码的照片与此人脸相同',
		en: 'The same face appears under another ID number in this province',
		otherCandidateId: other.candidateId,
		otherOutcomeId: other.outcomeId,
		similarity
	};
}

/** A duplicate_face reason as stored (older ones name only the other candidate). */
export interface DuplicateFaceReason {
	code: 'duplicate_face';
	otherCandidateId: number;
	otherOutcomeId?: number;
	similarity: number;
}

export function isDuplicateFaceReason(reason: unknown): reason is DuplicateFaceReason {
	const r = reason as Partial<DuplicateFaceReason> | null;
	return r?.code === 'duplicate_face' && Number.isInteger(r.otherCandidateId);
}

/**
 * Sends the earlier outcomes to review too, naming the new one, and tells the registration system: each gets an
 * outcome event with its review pending (an earlier confirmation is in doubt now).
 */
export async function flagEarlier(
	tx: Db,
	hits: readonly DuplicateHit[],
	newOutcome: { candidateId: number; outcomeId: number },
	now = new Date()
): Promise<void> {
	await flagDuplicates(
		tx,
		hits.map((hit) => ({
			outcomeId: hit.outcomeId,
			reasons: [duplicateFaceReason(newOutcome, hit.similarity)]
		})),
		now
	);
}

/**
 * Puts outcomes (back) to review with duplicate_face reasons added to the ones they have (a face matched by a
 * second and a third stand-in names both), and gives each one outcome event with its review pending.
 */
export async function flagDuplicates(
	tx: Db,
	flags: readonly { outcomeId: number; reasons: ReturnType<typeof duplicateFaceReason>[] }[],
	now = new Date()
): Promise<void> {
	if (flags.length === 0) return;
	const ids = flags.map((f) => f.outcomeId);
	// Their rows locked first (a reviewer's decision on one waits), so the dashboard counts each change once.
	const flagged = await tx
		.selectFrom('outcomes')
		.select('session_id')
		.where('id', 'in', ids)
		.orderBy('id')
		.forUpdate()
		.execute();
	await countingDashboard(
		tx,
		flagged.map((f) => f.session_id),
		async () => {
			for (const flag of flags) {
				await tx
					.updateTable('outcomes')
					.set({
						review_status: 'pending',
						review_reasons: sql<string>`coalesce(review_reasons, '[]'::jsonb) || ${JSON.stringify(flag.reasons)}::jsonb`
					})
					.where('id', '=', flag.outcomeId)
					.execute();
			}
		}
	);
	// What the registration system has not yet heard of these outcomes says so too (outcome-events.ts).
	await markUnseenPending(ids).execute(tx);
	// The same fields as every outcome event (record-outcome.ts), read from the rows as they are now.
	await sql`
		insert into outcome_events (outcome_id, payload)
		select o.id, jsonb_build_object('sessionId', o.session_id, 'idNumber', c.id_number, 'province', c.province,
			'result', o.result, 'reviewStatus', o.review_status, 'at', ${now.toISOString()}::text,
			'outcomeId', o.id, 'admissionNumber', o.admission_number)
		from outcomes o join candidates c on c.id = o.candidate_id
		where o.id = any(${ids}::integer[])
		order by o.id`.execute(tx);
}
