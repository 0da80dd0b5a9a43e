// The exact scan of a province larger than the embedding cache (PGlite while its index builds; PostgreSQL without
// pgvector): every row is compared on every search, whichever of its vectors the cache held when the search began.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cosineSimilarity } from '../../src/lib/core/face/match.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { embeddingBytes, findDuplicateFaces } from '../../src/lib/server/services/duplicates.ts';
import { testDatabase, type TestDatabase } from './db.ts';

// Read when duplicates.ts loads: a cache of 3 embeddings for a province of 10.
vi.hoisted(() => {
	process.env.ZV_EMBEDDING_CACHE = '3';
});

const ROWS = 10;
let handle: TestDatabase;
let db: Db;
const vectors: number[][] = [];

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
	let seed = 11;
	const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
	for (let i = 0; i < ROWS; i++) {
		const v = Array.from({ length: 512 }, random);
		const norm = Math.hypot(...v);
		vectors.push(v.map((x) => x / norm));
	}
	// Rows only, without outcomes behind them (foreign keys off for the insert).
	await db.transaction().execute(async (tx) => {
		await sql`set local session_replication_role = replica`.execute(tx);
		await tx
			.insertInto('face_embeddings')
			.values(
				vectors.map((v, i) => ({
					outcome_id: 20_000_000 + i,
					candidate_id: 20_000_000 + i,
					exam_area: '武汉市江岸区',
					province: 'hubei',
					vector: embeddingBytes(v)
				}))
			)
			.execute();
	});
});
afterAll(() => handle?.close());

// On PostgreSQL with pgvector the index serves the search and the cache is not used.
describe.skipIf(!!process.env.DATABASE_URL)('the exact scan with a cache smaller than the province', () => {
	it('compares every row on every search', async () => {
		const probe = vectors[ROWS - 2];
		const expected = new Map(
			vectors.map((v, i) => [
				20_000_000 + i,
				cosineSimilarity(Float32Array.from(probe), Float32Array.from(v))
			])
		);
		// Threshold -1: every row is a hit. The second search starts with the last three rows cached.
		for (let round = 0; round < 3; round++) {
			const hits = await findDuplicateFaces(db, 'hubei', -1, probe, -1);
			expect(new Map(hits.map((h) => [h.outcomeId, h.similarity])), `search ${round + 1}`).toEqual(expected);
		}
	});
});
