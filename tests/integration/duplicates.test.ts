// Duplicate identity with the real face engine (onnxruntime-node, staged models) on a real ID photo fixture:
// the same face under two ID numbers anywhere in one province sends both outcomes to manual review; another
// province's faces are not compared.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { cosineSimilarity } from '../../src/lib/core/face/match.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { embeddingBytes, findDuplicateFaces } from '../../src/lib/server/services/duplicates.ts';
import type { SubmitDeps } from '../../src/lib/server/services/submit.ts';
import { fixture } from '../support/fixtures.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { openSession, registerCandidate, step, submitBundle, testAttachments } from './support.ts';

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
		expect(one.result.outcome).toBe('confirmed');
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
			expect(one.result.outcome).toBe('confirmed');
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
		const area = '武汉市武昌区';
		const stored = await db
			.selectFrom('face_embeddings')
			.select(['outcome_id', 'vector'])
			.where('exam_area', '=', area)
			.execute();
		expect(stored.length).toBeGreaterThanOrEqual(2);
		const decode = (b: Uint8Array) =>
			Float32Array.from({ length: b.byteLength / 4 }, (_, i) =>
				new DataView(b.buffer, b.byteOffset).getFloat32(i * 4, false)
			);
		const probe = Array.from(decode(stored[0].vector), (x, i) => x + (i % 7) * 1e-3);
		const expected = new Map(
			stored.map((r) => [r.outcome_id, cosineSimilarity(Float32Array.from(probe), decode(r.vector))])
		);
		// Threshold -1: every vector of the area is a hit. The second search reads every vector from the cache.
		for (let round = 0; round < 2; round++) {
			const hits = await findDuplicateFaces(db, area, -1, probe, -1);
			expect(new Map(hits.map((h) => [h.outcomeId, h.similarity]))).toEqual(expected);
		}
	});

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
