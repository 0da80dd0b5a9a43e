// A province's clear-match line (policy.serverEvidence.clearMatch): a reference match above the face-match threshold
// but below the line is held for a person. The attack it answers: a morph of the candidate and a stand-in that
// clears the threshold (docs/threat-model.md, "Morphed photos"; tests/bench/morph.bench.ts measures how often).
// The morph and the photos are real fixture faces through the face engine; no shipped policy sets the line.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { FACE_MATCH } from '../../src/lib/core/face/match.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';
import type { RgbaImage } from '../../src/lib/core/image/types.ts';
import { getPolicy } from '../../src/lib/core/policy/index.ts';
import type { ProvincePolicy } from '../../src/lib/core/policy/types.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { gatherEvidence, type EvidenceVerdict } from '../../src/lib/server/services/evidence.ts';
import {
	prepareReferencePhoto,
	storeReferencePhoto
} from '../../src/lib/server/services/reference-photos.ts';
import { decodeImage, decodeUploadJpeg } from '../../src/lib/runtime/node-image.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import { fixture } from '../support/fixtures.ts';
import { morphFaces, type MorphSource } from '../support/morph.ts';
import { testDatabase, type TestDatabase } from './db.ts';
import { openSession, registerCandidate, step, submitBundle, testAttachments } from './support.ts';

let handle: TestDatabase;
let db: Db;
const engine = createFaceEngine(nodeRuntime);

beforeAll(async () => {
	handle = await testDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

const jpeg = async (image: RgbaImage, quality: number) =>
	new Uint8Array(
		await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
			raw: { width: image.width, height: image.height, channels: 4 }
		})
			.removeAlpha()
			.jpeg({ quality })
			.toBuffer()
	);

async function morphSource(file: string): Promise<MorphSource> {
	const image = await decodeImage(fixture('faces', file));
	const m = await engine.measure(image);
	return { image, keypoints: m.face!.keypoints!, landmarks: m.landmarks! };
}

/** An upload as the server sees it: the JPEG and its one face's embedding. */
async function upload(bytes: Uint8Array) {
	const image = await decodeUploadJpeg(bytes);
	const m = await engine.measure(image);
	expect(m.faceCount).toBe(1);
	return { photo: bytes, embedding: Array.from((await engine.embed(image, m.face!)).vector) };
}

/** A Hubei candidate whose reference photo (from the authority) is `file`. */
async function candidateWithReference(file: string) {
	const record = await registerCandidate(db);
	const { id } = await db
		.selectFrom('candidates')
		.select('id')
		.where('id_number', '=', record.idNumber)
		.executeTakeFirstOrThrow();
	const reference = await jpeg(await decodeImage(fixture('faces', file)), 95);
	await storeReferencePhoto(db, id, await prepareReferencePhoto('authority', reference, null));
	return { ...record, id };
}

const withLine = (clearMatch: number | null): ProvincePolicy => {
	const hubei = getPolicy('hubei');
	return { ...hubei, serverEvidence: { ...hubei.serverEvidence, clearMatch } };
};

describe(`the clear-match line (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('a 50/50 morph of the candidate and a stand-in matches at the threshold; the line holds it, not the candidate', async () => {
		const candidate = await candidateWithReference('bbt_amy_1.png');
		const morph = await upload(
			await jpeg(
				morphFaces(await morphSource('bbt_amy_3.png'), await morphSource('bbt_penny_5.png'), 0.5, 'pwa'),
				90
			)
		);
		const genuine = await upload(await jpeg(await decodeImage(fixture('faces', 'bbt_amy_2.png')), 90));
		const evidence = (policy: ProvincePolicy, photo: { photo: Uint8Array; embedding: number[] }) =>
			gatherEvidence(db, {
				policy,
				candidateId: candidate.id,
				name: candidate.name,
				idNumber: candidate.idNumber,
				...photo,
				face: async () => engine,
				authority: () => {
					throw new Error('Hubei asks no authority');
				}
			});
		const similarity = (v: EvidenceVerdict) => v.reason.similarity!;

		// As shipped: the morph is a match, though it is half the stand-in.
		const shipped = await evidence(withLine(null), morph);
		expect(shipped.decision).toBe('match');
		expect(similarity(shipped)).toBeGreaterThanOrEqual(FACE_MATCH.match);
		expect(similarity(shipped), 'the morph sits between the threshold and the line').toBeLessThan(
			FACE_MATCH.strict
		);

		const held = await evidence(withLine(FACE_MATCH.strict), morph);
		expect(held).toMatchObject({
			decision: 'weak',
			reason: { code: 'weak_match', source: 'reference', threshold: FACE_MATCH.match }
		});
		expect(held.reason.zh).toMatch(/人工审核/);
		expect(held.reason.en).toMatch(/review/);
		// Another photo of the candidate clears the line and confirms as before.
		const honest = await evidence(withLine(FACE_MATCH.strict), genuine);
		expect(honest.decision).toBe('match');
		expect(similarity(honest)).toBeGreaterThanOrEqual(FACE_MATCH.strict);
	}, 60_000);

	it('a weak match is held for review even where the province trusts the device without evidence', async () => {
		// Set on the policy object itself, which the server's resolved copies share (as retention.test does).
		const evidencePolicy = getPolicy('hubei').serverEvidence;
		// The recording path, given each verdict (gatherEvidence's own decision is the test above).
		const verdict = (decision: 'weak' | 'none'): EvidenceVerdict => ({
			decision,
			reason: { code: decision === 'weak' ? 'weak_match' : 'no_server_evidence', zh: '测试', en: 'test' }
		});
		evidencePolicy.trustDevice = true;
		try {
			const outcomes: Record<string, string> = {};
			for (const decision of ['weak', 'none'] as const) {
				const c = await registerCandidate(db);
				const s = await openSession(db, c.idNumber);
				const bundle = await s.sign(s.payload([step('photo', true)], testAttachments('hubei')));
				const result = await submitBundle(db, s.opened.sessionId, { bundle }, new Date(), {
					evidence: async () => verdict(decision)
				});
				outcomes[decision] = result.outcome;
				// Both send the same test photo: forgotten, so that the second is not held as the first's duplicate.
				await db.deleteFrom('face_embeddings').execute();
			}
			expect(outcomes.weak).toBe('review');
			// The device trust applies only where the server has no evidence at all: confirmed, then swept.
			expect(outcomes.none).toBe(FINAL_CHECK);
		} finally {
			evidencePolicy.trustDevice = false;
		}
	});
});
