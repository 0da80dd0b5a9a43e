// Duplicate identity with the real face engine (onnxruntime-node, staged models) on a real ID photo fixture:
// the same face under two ID numbers anywhere in one province sends both outcomes to manual review; another
// province's faces are not compared.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { sql } from 'kysely';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { maskIdNumber } from '../../src/lib/core/mask.ts';
import { cosineSimilarity } from '../../src/lib/core/face/match.ts';
import { policies } from '../../src/lib/core/policy/index.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import { openDatabase, type Db } from '../../src/lib/server/db/index.ts';
import { seedDemoCandidate } from '../../src/lib/server/seed.ts';
import { memoryFaceIndexes } from '../../src/lib/server/services/face-index-memory.ts';
import { applyRetention } from '../../src/lib/server/services/retention.ts';
import { FACE_HANDOFF_SETTING, FACE_INDEX, HAS_FACE_VECTORS } from '../../src/lib/server/db/face-index.ts';
import {
	decodeEmbedding,
	duplicateFaceReason,
	embeddingBytes,
	faceHandoff,
	findDuplicateFaces,
	indexSettings,
	nearestFacesQuery
} from '../../src/lib/server/services/duplicates.ts';
import type { SubmitDeps } from '../../src/lib/server/services/submit.ts';
import { reviewCase } from '../../src/lib/server/services/review.ts';
import { createStaff } from '../../src/lib/server/services/staff.ts';
import { fixture } from '../support/fixtures.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { pickPort } from './server-process.ts';
import { openSession, registerCandidate, step, submitBundle, testAttachments } from './support.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';

/**
 * Skips a pgvector test on a PostgreSQL without the extension, with one line saying so; under CI=true fails
 * instead (the test setup builds pgvector, tests/support/pgvector.sh; without ../shared/vendor it cannot).
 */
async function needsPgvector(ctx: TestContext): Promise<void> {
	if ((await sql.raw(HAS_FACE_VECTORS).execute(db)).rows.length > 0) return;
	if (process.env.CI === 'true') throw new Error('PostgreSQL has no pgvector: run tests/support/pgvector.sh');
	console.log('PostgreSQL without pgvector: the duplicate search runs as an exact scan; index test skipped');
	ctx.skip();
}

let handle: TestDatabase;
let db: Db;
let deps: SubmitDeps;
const photo = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));
const twoFaces = new Uint8Array(readFileSync(fixture('idphotos/nonconf_two_faces_blue_bg.jpg')));
const sha256 = (x: Uint8Array) => createHash('sha256').update(x).digest('hex');

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
	deps = { face: createFaceEngine(nodeRuntime), allowedModels: new Map() };
});
afterAll(() => handle.close());

async function reviewOf(on: Db, sessionIds: string[]) {
	const rows = await on
		.selectFrom('outcomes')
		.select(['session_id', 'review_status', 'review_reasons'])
		.where('session_id', 'in', sessionIds)
		.execute();
	return new Map(rows.map((r) => [r.session_id, r]));
}

async function submitPhoto(idNumber: string, bytes = photo, on: Db = db, province = 'hubei') {
	const s = await openSession(on, idNumber);
	const bundle = await s.sign(
		s.payload([step('photo', true)], { ...testAttachments(province), photoSha256: sha256(bytes) })
	);
	return {
		s,
		result: await submitBundle(on, s.opened.sessionId, { bundle, photo: bytes }, new Date(), deps)
	};
}

describe(`duplicate identity (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, real face engine)`, () => {
	it('the re-check with the face engine refuses a photo with two faces', async () => {
		const c = await registerCandidate(db, { examArea: '武汉市洪山区' });
		await expect(submitPhoto(c.idNumber, twoFaces)).rejects.toMatchObject({
			status: 422,
			code: 'photo_rejected'
		});
	});

	it('same face, different ID number, same exam area: both to review', async () => {
		const first = await registerCandidate(db, { examArea: '武汉市武昌区' });
		const stand = await registerCandidate(db, { examArea: '武汉市武昌区' });
		const one = await submitPhoto(first.idNumber);
		expect(one.result.outcome).toBe(FINAL_CHECK);
		const two = await submitPhoto(stand.idNumber);
		expect(two.result.outcome).toBe('review');
		expect(two.result.admissionNumber).toBeUndefined();
		const rows = await reviewOf(db, [one.s.opened.sessionId, two.s.opened.sessionId]);
		expect(rows.get(one.s.opened.sessionId)?.review_status).toBe('pending');
		expect(rows.get(two.s.opened.sessionId)?.review_status).toBe('pending');
		const reason = (
			rows.get(two.s.opened.sessionId)?.review_reasons as { code: string; similarity: number }[]
		)[0];
		expect(reason.code).toBe('duplicate_face');
		expect(reason.similarity).toBeGreaterThan(0.9);
	});

	it("the stand-in across the province: the same face in another exam area goes to review, another province's does not", async () => {
		// A database of its own: the face is the one the other tests confirm, and they must not be what it finds.
		const own = await testDatabase();
		try {
			const a = await registerCandidate(own.db, { examArea: '十堰市' });
			const b = await registerCandidate(own.db, { examArea: '恩施土家族苗族自治州' });
			const c = await registerCandidate(own.db, {
				examArea: '北京市海淀区',
				province: 'beijing',
				address: '北京市海淀区测试路1号'
			});
			const one = await submitPhoto(a.idNumber, photo, own.db);
			expect(one.result.outcome).toBe(FINAL_CHECK);
			// Beijing decides on its own evidence; whatever it decides, the Hubei outcome is not its duplicate.
			const other = await submitPhoto(c.idNumber, photo, own.db, 'beijing');
			let rows = await reviewOf(own.db, [one.s.opened.sessionId, other.s.opened.sessionId]);
			expect(rows.get(one.s.opened.sessionId)?.review_status).toBe('none');
			const otherReasons = (rows.get(other.s.opened.sessionId)?.review_reasons ?? []) as { code: string }[];
			expect(otherReasons.map((r) => r.code)).not.toContain('duplicate_face');
			const otherStatus = rows.get(other.s.opened.sessionId)?.review_status;

			const two = await submitPhoto(b.idNumber, photo, own.db);
			expect(two.result.outcome).toBe('review');
			expect(two.result.admissionNumber).toBeUndefined();
			rows = await reviewOf(own.db, [
				one.s.opened.sessionId,
				two.s.opened.sessionId,
				other.s.opened.sessionId
			]);
			expect(rows.get(one.s.opened.sessionId)?.review_status).toBe('pending');
			const reasons = rows.get(two.s.opened.sessionId)?.review_reasons as {
				code: string;
				otherCandidateId?: number;
			}[];
			expect(reasons.filter((r) => r.code === 'duplicate_face')).toHaveLength(1);
			expect(rows.get(other.s.opened.sessionId)?.review_status).toBe(otherStatus);

			// The registration system hears that the earlier confirmation is in doubt: a new event, review pending.
			// It had not heard of the confirmation yet (held for its sweep), so that event says pending too.
			const outcomeOf = async (sessionId: string) =>
				(
					await own.db
						.selectFrom('outcomes')
						.select('id')
						.where('session_id', '=', sessionId)
						.executeTakeFirstOrThrow()
				).id;
			const [earlier, later] = [
				await outcomeOf(one.s.opened.sessionId),
				await outcomeOf(two.s.opened.sessionId)
			];
			const events = await own.db
				.selectFrom('outcome_events')
				.select('payload')
				.where('outcome_id', '=', earlier)
				.orderBy('id')
				.execute();
			expect(events.map((e) => (e.payload as { reviewStatus: string }).reviewStatus)).toEqual([
				'pending',
				'pending'
			]);
			expect(events[1].payload).toMatchObject({
				outcomeId: earlier,
				idNumber: a.idNumber,
				province: 'hubei',
				result: 'confirmed',
				sessionId: one.s.opened.sessionId
			});
			expect(Object.keys(events[1].payload as object).sort()).toEqual(
				Object.keys(events[0].payload as object).sort()
			);

			// Both cases show both candidates side by side: the other's record and photo.
			const reviewer = await createStaff(own.db, {
				username: 'dup-reviewer',
				role: 'reviewer',
				password: 'reviewer-password-1',
				province: 'hubei'
			});
			const newCase = await reviewCase(own.db, reviewer, later);
			expect(newCase.counterparts).toHaveLength(1);
			expect(newCase.counterparts[0]).toMatchObject({
				outcomeId: earlier,
				name: a.name,
				examArea: '十堰市',
				result: 'confirmed',
				reviewStatus: 'pending'
			});
			expect(newCase.counterparts[0].photo).toMatch(/^data:image\/jpeg;base64,/);
			expect(newCase.photo).toMatch(/^data:image\/jpeg;base64,/);
			const earlierCase = await reviewCase(own.db, reviewer, earlier);
			expect(earlierCase.counterparts.map((c) => [c.outcomeId, c.idNumberMasked])).toEqual([
				[later, maskIdNumber(b.idNumber)]
			]);
			expect(earlierCase.counterparts[0].similarity).toBeGreaterThan(0.9);
			// The reviewer compares faces, not numbers: each side's ID number masked, when and how it was confirmed.
			expect(newCase.counterparts[0].idNumberMasked).toBe(
				`${a.idNumber.slice(0, 6)}********${a.idNumber.slice(-4)}`
			);
			expect(JSON.stringify(newCase.counterparts)).not.toContain(a.idNumber);
			expect(newCase.counterparts[0]).toMatchObject({ confirmedBy: 'phone', photoSource: 'upload' });
			expect(Date.parse(newCase.counterparts[0].recordedAt)).not.toBeNaN();

			// The other's uploaded photo gone (retention), the photo the server holds is its reference photo.
			await own.db
				.updateTable('attachments')
				.set({ bytes: null })
				.where('outcome_id', '=', earlier)
				.execute();
			const candidateA = await own.db
				.selectFrom('candidates')
				.select('id')
				.where('id_number', '=', a.idNumber)
				.executeTakeFirstOrThrow();
			await own.db
				.insertInto('reference_photos')
				.values({
					candidate_id: candidateA.id,
					source: 'previous_registration',
					sha256: sha256(photo),
					jpeg: photo
				})
				.onConflict((oc) => oc.column('candidate_id').doUpdateSet({ jpeg: photo, deleted_at: null }))
				.execute();
			const withReference = await reviewCase(own.db, reviewer, later);
			expect(withReference.counterparts[0]).toMatchObject({ photoSource: 'reference' });
			expect(withReference.counterparts[0].photo).toBe(
				`data:image/jpeg;base64,${Buffer.from(photo).toString('base64')}`
			);

			// A reason naming another province's outcome (however it got there) shows nothing of that candidate.
			const beijingOutcome = await outcomeOf(other.s.opened.sessionId);
			const beijingCandidate = await own.db
				.selectFrom('candidates')
				.select('id')
				.where('id_number', '=', c.idNumber)
				.executeTakeFirstOrThrow();
			await own.db
				.updateTable('outcomes')
				.set({
					review_reasons: JSON.stringify([
						...reasons,
						duplicateFaceReason({ candidateId: beijingCandidate.id, outcomeId: beijingOutcome }, 0.99)
					])
				})
				.where('id', '=', later)
				.execute();
			const planted = await reviewCase(own.db, reviewer, later);
			expect(planted.counterparts.map((x) => x.outcomeId)).toEqual([earlier]);
			const looks = await own.db
				.selectFrom('audit_log')
				.select('candidate_id')
				.where('action', '=', 'review.view')
				.where('candidate_id', '=', beijingCandidate.id)
				.execute();
			expect(looks).toEqual([]);
			// The same person confirming again under their own ID number is not a duplicate, but a confirmed
			// candidate cannot be confirmed twice.
			await expect(submitPhoto(a.idNumber, photo, own.db)).rejects.toMatchObject({
				status: 409,
				code: 'already_confirmed'
			});
		} finally {
			await own.close();
		}
	});

	it('embeddings are stored as the big-endian float32 bytes the migration wrote for the old real[] rows', async () => {
		const vector = Array.from({ length: 512 }, (_, i) => Math.sin(i * 1.7) / 9);
		const { rows } = await sql<{ bytes: Uint8Array }>`
			select string_agg(float4send(e), ''::bytea order by i) as bytes
			from unnest(${vector}::real[]) with ordinality as t (e, i)`.execute(db);
		expect(Buffer.from(rows[0].bytes).equals(Buffer.from(embeddingBytes(vector)))).toBe(true);
	});

	it('the search gives the float32 cosine of the stored vectors, read from the database or from its cache', async () => {
		const stored = await db
			.selectFrom('face_embeddings')
			.select(['outcome_id', 'vector'])
			.where('province', '=', 'hubei')
			.execute();
		expect(stored.length).toBeGreaterThanOrEqual(2);
		expect(stored.length).toBeLessThan(FACE_INDEX.limit);
		const probe = Array.from(decodeEmbedding(stored[0].vector), (x, i) => x + (i % 7) * 1e-3);
		const expected = new Map(
			stored.map((r) => [r.outcome_id, cosineSimilarity(Float32Array.from(probe), decodeEmbedding(r.vector))])
		);
		// Threshold -1: every vector of the province is a hit. On PGlite the second search reads every vector from
		// the cache; on PostgreSQL the index proposes them (fewer than its limit here) and the bytes decide.
		for (let round = 0; round < 2; round++) {
			const hits = await findDuplicateFaces(db, 'hubei', -1, probe, -1);
			expect(new Map(hits.map((h) => [h.outcomeId, h.similarity]))).toEqual(expected);
		}
		expect(await findDuplicateFaces(db, 'fujian', -1, probe, -1)).toEqual([]);
	});

	it.skipIf(!process.env.DATABASE_URL)(
		"PostgreSQL with pgvector: the trigger's vector is the stored float32 bytes, and the province's HNSW index serves the search",
		async (ctx) => {
			await needsPgvector(ctx);
			const values = [0, -0.5, 1 / 3, -1e-40, 1.17549435e-38, 3.4e38, -2.5e-7, 0.044194173];
			const { rows } = await sql<{ face: string }>`
				select face_embedding_vector(${embeddingBytes(values)})::real[]::text as face`.execute(db);
			const decoded = rows[0].face.slice(1, -1).split(',').map(Number);
			expect(Float32Array.from(decoded)).toEqual(Float32Array.from(values));
			const rowsEqual = await sql<{ same: boolean }>`
				select bool_and(face = face_embedding_vector(vector)) as same from face_embeddings`.execute(db);
			expect(rowsEqual.rows[0].same).toBe(true);
			const plan = await db.transaction().execute(async (tx) => {
				// A handful of rows: only with the other plans off does the planner show the index it would take at scale.
				await sql`set local enable_seqscan = off`.execute(tx);
				await sql`set local enable_bitmapscan = off`.execute(tx);
				const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${nearestFacesQuery(
					'hubei',
					1,
					values.concat(Array(504).fill(0.01))
				)}`.execute(tx);
				return rows.map((r) => r['QUERY PLAN']).join('\n');
			});
			expect(plan).toContain('Index Scan using face_embeddings_hnsw_hubei');
		}
	);

	it.skipIf(!process.env.DATABASE_URL)(
		"PostgreSQL with pgvector: the trigger takes the search's handed-over vector only for the bytes it was made from",
		async (ctx) => {
			await needsPgvector(ctx);
			const { outcome_id: outcomeId } = await db
				.selectFrom('face_embeddings')
				.select('outcome_id')
				.executeTakeFirstOrThrow();
			const a = Array.from({ length: 512 }, (_, i) => Math.sin(i + 1) / 16);
			const b = Array.from({ length: 512 }, (_, i) => Math.cos(i * 3) / 16);
			const faceOf = async (tx: Db) => {
				const { rows } = await sql<{ face: string; decoded: string }>`
					select face::text as face, face_embedding_vector(vector)::text as decoded
					from face_embeddings where outcome_id = ${outcomeId}`.execute(tx);
				const floats = (text: string) => Float32Array.from(text.slice(1, -1).split(','), Number);
				return { face: floats(rows[0].face), decoded: floats(rows[0].decoded) };
			};
			const asFloats = (v: number[]) => Float32Array.from(v);
			await db
				.transaction()
				.execute(async (tx) => {
					await indexSettings(tx, FACE_INDEX.efSearch, a);
					// Handed over for other bytes: decoded from the row's own.
					await tx
						.updateTable('face_embeddings')
						.set({ vector: embeddingBytes(b) })
						.where('outcome_id', '=', outcomeId)
						.execute();
					expect(await faceOf(tx)).toEqual({ face: asFloats(b), decoded: asFloats(b) });
					// Handed over for these bytes: taken as given (the same floats as decoding them).
					await tx
						.updateTable('face_embeddings')
						.set({ vector: embeddingBytes(a) })
						.where('outcome_id', '=', outcomeId)
						.execute();
					expect(await faceOf(tx)).toEqual({ face: asFloats(a), decoded: asFloats(a) });
					// The text is what is used when the hash matches: a forged pairing shows it (never done by the app).
					const forged = faceHandoff(b).split(' ')[0] + ' ' + faceHandoff(a).split(' ')[1];
					await sql`select set_config(${FACE_HANDOFF_SETTING}, ${forged}, true)`.execute(tx);
					await tx
						.updateTable('face_embeddings')
						.set({ vector: embeddingBytes(b) })
						.where('outcome_id', '=', outcomeId)
						.execute();
					expect((await faceOf(tx)).face).toEqual(asFloats(a));
					throw new Error('rollback');
				})
				.catch((e: Error) => {
					if (e.message !== 'rollback') throw e;
				});
		}
	);

	it.skipIf(!process.env.DATABASE_URL)(
		'a server that gets pgvector after the migration gets the vector column, its backfill and indexes at the next start',
		async (ctx) => {
			await needsPgvector(ctx);
			const probe = Array.from(
				decodeEmbedding(
					(await db.selectFrom('face_embeddings').select('vector').executeTakeFirstOrThrow()).vector
				)
			);
			const before = await findDuplicateFaces(db, 'hubei', -1, probe);
			expect(before.length).toBeGreaterThan(0);
			// As if migrated while the server had no pgvector: no column, trigger or functions.
			await sql`drop trigger face_embeddings_face on face_embeddings`.execute(db);
			await sql`alter table face_embeddings drop column face`.execute(db);
			await sql`drop function face_embeddings_set_face(), face_embedding_vector(bytea), face_embedding_float(bytea, integer)`.execute(
				db
			);
			expect((await sql.raw(HAS_FACE_VECTORS).execute(db)).rows).toHaveLength(0);
			// The exact scan gives the same matches meanwhile.
			expect(await findDuplicateFaces(db, 'hubei', -1, probe)).toEqual(before);
			const restarted = await handle.another!();
			try {
				expect((await sql.raw(HAS_FACE_VECTORS).execute(db)).rows).toHaveLength(1);
				const { rows } = await sql<{ filled: boolean; indexes: string[] }>`
					select bool_and(face is not null and face = face_embedding_vector(vector)) as filled,
						(select array_agg(indexname::text order by indexname) from pg_indexes
							where schemaname = current_schema() and tablename = 'face_embeddings'
								and indexname ~ '^face_embeddings_hnsw') as indexes
					from face_embeddings`.execute(db);
				expect(rows[0].filled).toBe(true);
				expect(rows[0].indexes).toEqual(
					Object.keys(policies)
						.sort()
						.map((p) => `face_embeddings_hnsw_${p}`)
				);
				expect(await findDuplicateFaces(restarted.db, 'hubei', -1, probe)).toEqual(before);
			} finally {
				await restarted.close();
			}
		}
	);

	it.skipIf(!process.env.DATABASE_URL)(
		'two instances confirming the same face under two ID numbers in two exam areas at once: both held for review',
		async () => {
			const other = await handle.another!();
			try {
				// Two exam areas of one province: the stand-in's two confirmations need not share an area.
				const a = await registerCandidate(db, { examArea: `并发考区甲${Date.now()}` });
				const b = await registerCandidate(db, { examArea: `并发考区乙${Date.now()}` });
				const [one, two] = await Promise.all([
					submitPhoto(a.idNumber, photo, db),
					submitPhoto(b.idNumber, photo, other.db)
				]);
				const rows = await db
					.selectFrom('outcomes')
					.select('review_status')
					.where('session_id', 'in', [one.s.opened.sessionId, two.s.opened.sessionId])
					.execute();
				expect(rows.map((r) => r.review_status)).toEqual(['pending', 'pending']);
			} finally {
				await other.close();
			}
		}
	);
});

describe.skipIf(!!process.env.DATABASE_URL)("PGlite: the province's in-memory hnswlib index", () => {
	const facesOf = (on: Db) => {
		const faces = memoryFaceIndexes(on);
		if (!faces) throw new Error('PGlite without its in-memory face index');
		return faces;
	};
	const outcomeOf = async (on: Db, sessionId: string) =>
		(
			await on
				.selectFrom('outcomes')
				.select('id')
				.where('session_id', '=', sessionId)
				.executeTakeFirstOrThrow()
		).id;
	const storedVector = async (on: Db, outcomeId: number) =>
		decodeEmbedding(
			(
				await on
					.selectFrom('face_embeddings')
					.select('vector')
					.where('outcome_id', '=', outcomeId)
					.executeTakeFirstOrThrow()
			).vector
		);

	it('finds the stand-in in another exam area through the index, not in another province; retention removes rows from it', async () => {
		const own = await testDatabase();
		try {
			const faces = facesOf(own.db);
			await faces.built;
			expect(faces.stateOf('hubei')).toBe('ready');
			const a = await registerCandidate(own.db, { examArea: '十堰市' });
			const b = await registerCandidate(own.db, { examArea: '恩施土家族苗族自治州' });
			const c = await registerCandidate(own.db, {
				examArea: '北京市海淀区',
				province: 'beijing',
				address: '北京市海淀区测试路1号'
			});
			const searched = faces.searchedByIndex;
			const one = await submitPhoto(a.idNumber, photo, own.db);
			const other = await submitPhoto(c.idNumber, photo, own.db, 'beijing');
			const two = await submitPhoto(b.idNumber, photo, own.db);
			// Three searches, each answered by its province's index.
			expect(faces.searchedByIndex - searched).toBe(3);
			expect(one.result.outcome).toBe(FINAL_CHECK);
			expect(two.result.outcome).toBe('review');
			const [earlier, later, beijing] = [
				await outcomeOf(own.db, one.s.opened.sessionId),
				await outcomeOf(own.db, two.s.opened.sessionId),
				await outcomeOf(own.db, other.s.opened.sessionId)
			];
			const rows = await reviewOf(own.db, [one.s.opened.sessionId, two.s.opened.sessionId]);
			const reasons = rows.get(two.s.opened.sessionId)?.review_reasons as { otherOutcomeId?: number }[];
			expect(reasons.map((r) => r.otherOutcomeId)).toEqual([earlier]);
			const probe = await storedVector(own.db, later);
			expect((await faces.nearest('hubei', probe, 10, FACE_INDEX.efSearch))?.sort()).toEqual(
				[earlier, later].sort()
			);
			expect(await faces.nearest('beijing', probe, 10, FACE_INDEX.efSearch)).toEqual([beijing]);

			// The earlier photo past its province's retention: its embedding leaves the table and the index.
			await own.db
				.updateTable('attachments')
				.set({ created_at: new Date(Date.now() - 400 * 86_400_000) })
				.where('outcome_id', '=', earlier)
				.execute();
			await applyRetention(own.db);
			expect(await own.db.selectFrom('face_embeddings').select('outcome_id').execute()).not.toContainEqual({
				outcome_id: earlier
			});
			expect(await faces.nearest('hubei', probe, 10, FACE_INDEX.efSearch)).toEqual([later]);
			expect(await findDuplicateFaces(own.db, 'hubei', -1, Array.from(probe))).toMatchObject([
				{ outcomeId: later }
			]);
		} finally {
			await own.close();
		}
	});

	it('the drift check rebuilds an index whose rows were deleted or written behind its back', async () => {
		const own = await testDatabase();
		try {
			const faces = facesOf(own.db);
			await faces.built;
			const a = await registerCandidate(own.db, { examArea: '十堰市' });
			const b = await registerCandidate(own.db, { examArea: '恩施土家族苗族自治州' });
			const one = await submitPhoto(a.idNumber, photo, own.db);
			expect(one.result.outcome).toBe(FINAL_CHECK);
			const earlier = await outcomeOf(own.db, one.s.opened.sessionId);
			const probe = await storedVector(own.db, earlier);
			const nearest = () => faces.nearest('hubei', probe, 10, FACE_INDEX.efSearch);
			expect(await faces.checkDrift()).toEqual([]);

			// Deleted through the database, not the services: the index still proposes it until the check.
			const row = await own.db
				.deleteFrom('face_embeddings')
				.where('outcome_id', '=', earlier)
				.returningAll()
				.executeTakeFirstOrThrow();
			expect(await nearest()).toEqual([earlier]);
			expect(await faces.checkDrift()).toEqual(['hubei']);
			expect(faces.stateOf('hubei')).toBe('ready');
			expect(await nearest()).toEqual([]);

			// Written back the same way (a restored row): unseen by the index, so the search misses it until the check.
			await own.db.insertInto('face_embeddings').values(row).execute();
			expect(await nearest()).toEqual([]);
			expect(await findDuplicateFaces(own.db, 'hubei', -1, Array.from(probe))).toEqual([]);
			expect(await faces.checkDrift()).toEqual(['hubei']);
			expect(await nearest()).toEqual([earlier]);
			expect(await faces.checkDrift()).toEqual([]);
			const searched = faces.searchedByIndex;
			const two = await submitPhoto(b.idNumber, photo, own.db);
			expect(faces.searchedByIndex).toBe(searched + 1);
			expect(two.result.outcome).toBe('review');
			const reasons = (await reviewOf(own.db, [two.s.opened.sessionId])).get(two.s.opened.sessionId)
				?.review_reasons as { otherOutcomeId?: number }[];
			expect(reasons.map((r) => r.otherOutcomeId)).toEqual([earlier]);
		} finally {
			await own.close();
		}
	});

	it(
		'after a restart the index is built in its worker: requests answered meanwhile, the same answers, and stand-ins during and after the build found',
		async () => {
			const dataDir = mkdtempSync(join(tmpdir(), 'zv-face-index-'));
			let first = await openDatabase({ dataDir });
			const candidates = async () =>
				String(
					(await sql<{ n: number }>`select count(*)::int as n from candidates`.execute(first.db)).rows[0].n
				);
			// A request that needs the event loop and the database, as every request of the server does.
			const server = createServer((_, response) => void candidates().then((n) => response.end(n)));
			try {
				await seedDemoCandidate(first.db);
				const a = await registerCandidate(first.db, { examArea: '十堰市' });
				const b = await registerCandidate(first.db, { examArea: '恩施土家族苗族自治州' });
				const c = await registerCandidate(first.db, { examArea: '武汉市江岸区' });
				const one = await submitPhoto(a.idNumber, photo, first.db);
				const earlier = await outcomeOf(first.db, one.s.opened.sessionId);
				const probe = Array.from(await storedVector(first.db, earlier), (x, i) => x + (i % 5) * 1e-3);
				// Other faces enough for the rebuild to take a while (rows only, as the bench plants them).
				await plantFaces(first.db, 6_000);
				await facesOf(first.db).built;
				const before = await findDuplicateFaces(first.db, 'hubei', -1, probe);
				expect(before.map((h) => h.outcomeId)).toEqual([earlier]);
				await first.close();

				first = await openDatabase({ dataDir });
				const faces = facesOf(first.db);
				expect(faces.stateOf('hubei')).toBe('building');
				// The event loop answers while hnswlib builds: each request is answered before the build has ended.
				const port = await pickPort(4000, 100);
				await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
				const registered = await candidates();
				for (let i = 0; i < 5; i++) {
					expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe(registered);
					expect(faces.stateOf('hubei')).toBe('building');
				}
				// The search does not wait for the build: it scans meanwhile, with the same answer.
				expect(await findDuplicateFaces(first.db, 'hubei', -1, probe)).toEqual(before);
				const two = await submitPhoto(b.idNumber, photo, first.db);
				expect(two.result.outcome).toBe('review');
				expect(faces.stateOf('hubei')).toBe('building');
				const later = await outcomeOf(first.db, two.s.opened.sessionId);
				await faces.built;
				expect(faces.stateOf('hubei')).toBe('ready');
				const searched = faces.searchedByIndex;
				const after = await findDuplicateFaces(first.db, 'hubei', -1, probe);
				expect(faces.searchedByIndex).toBe(searched + 1);
				expect(after.map((h) => h.outcomeId).sort()).toEqual([earlier, later].sort());
				expect(after.find((h) => h.outcomeId === earlier)).toEqual(before[0]);

				// A third stand-in after the build: the index proposes both earlier confirmations.
				const three = await submitPhoto(c.idNumber, photo, first.db);
				expect(faces.searchedByIndex).toBe(searched + 2);
				expect(three.result.outcome).toBe('review');
				const reasons = (await reviewOf(first.db, [three.s.opened.sessionId])).get(three.s.opened.sessionId)
					?.review_reasons as { otherOutcomeId?: number }[];
				expect(reasons.map((r) => r.otherOutcomeId).sort()).toEqual([earlier, later].sort());
			} finally {
				server.close();
				await first.close();
				rmSync(dataDir, { recursive: true, force: true });
			}
		},
		// Building 6,000 embeddings and three confirmations with the face engine, on a shared machine.
		600_000
	);
});

/** Unit vectors of no one, in rows without an outcome behind them (foreign keys off for the insert). */
async function plantFaces(on: Db, count: number): Promise<void> {
	let seed = 7;
	const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
	await on.transaction().execute(async (tx) => {
		await sql`set local session_replication_role = replica`.execute(tx);
		for (let i = 0; i < count; i += 500) {
			const rows = Array.from({ length: Math.min(500, count - i) }, (_, k) => {
				const v = Array.from({ length: 512 }, random);
				const norm = Math.hypot(...v);
				return {
					outcome_id: 10_000_000 + i + k,
					candidate_id: 10_000_000 + i + k,
					exam_area: '武汉市江岸区',
					province: 'hubei',
					vector: embeddingBytes(v.map((x) => x / norm))
				};
			});
			await tx.insertInto('face_embeddings').values(rows).execute();
		}
	});
}
