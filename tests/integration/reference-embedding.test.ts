// The reference embedding a submission is matched with: read from its row (the JPEG beside it is not read), or,
// for a photo stored while the face engine was off, embedded once at the first read and kept; none once deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import type { FaceEngine } from '../../src/lib/core/face/types.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import {
	prepareReferencePhoto,
	referenceEmbedding,
	referenceEmbeddingByIdNumber,
	storeReferencePhoto
} from '../../src/lib/server/services/reference-photos.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { registerCandidate, TEST_PHOTO } from './support.ts';

let handle: TestDatabase;
let db: Db;
const engine = createFaceEngine(nodeRuntime);
let faceLoads = 0;
const face = async (): Promise<FaceEngine> => {
	faceLoads++;
	return engine;
};

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

describe(`reference embeddings (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('stored without an embedding (engine off): embedded at the first read, kept, then read as stored', async () => {
		const c = await registerCandidate(db);
		const { id } = await db
			.selectFrom('candidates')
			.select('id')
			.where('id_number', '=', c.idNumber)
			.executeTakeFirstOrThrow();
		expect(await referenceEmbedding(db, id, face)).toBeNull();
		await storeReferencePhoto(db, id, await prepareReferencePhoto('authority', TEST_PHOTO, null));
		faceLoads = 0;
		const first = await referenceEmbedding(db, id, face);
		expect(first).toHaveLength(512);
		expect(faceLoads).toBe(1);
		const row = await db
			.selectFrom('reference_photos')
			.select(['embedding', 'embedded_at'])
			.where('candidate_id', '=', id)
			.executeTakeFirstOrThrow();
		expect(row.embedding).not.toBeNull();
		expect(row.embedded_at).not.toBeNull();
		// Read as stored now: no engine, the same vector, by candidate and by ID number.
		const again = await referenceEmbedding(db, id, face);
		const byNumber = await referenceEmbeddingByIdNumber(db, c.idNumber, face);
		expect(faceLoads).toBe(1);
		expect(Array.from(again!)).toEqual(Array.from(first!));
		expect(Array.from(byNumber!)).toEqual(Array.from(first!));
		expect(await referenceEmbeddingByIdNumber(db, '110101199001011237', face)).toBeNull();
		// Deleted under retention: no reference any more.
		await db
			.updateTable('reference_photos')
			.set({ deleted_at: new Date() })
			.where('candidate_id', '=', id)
			.execute();
		expect(await referenceEmbedding(db, id, face)).toBeNull();
		expect(await referenceEmbeddingByIdNumber(db, c.idNumber, face)).toBeNull();
	});
});
