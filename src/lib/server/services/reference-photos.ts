// Reference photos the server owns: the face a submission's photo is compared with. The registration system sends
// one per candidate with its source; the server embeds it once with its own face engine (at registration, or at
// the first submission when the engine was off then) and keeps the embedding beside the JPEG.
import { createHash } from 'node:crypto';
import type { FaceEngine } from '../../core/face/types.ts';
import type { Db } from '../db/index.ts';
import { embedJpegFaces, type JpegFaces } from '../face.ts';
import { decodeEmbedding, embeddingBytes } from './duplicates.ts';
import { ServiceError } from './errors.ts';

export const REFERENCE_SOURCES = ['previous_registration', 'pre_registration', 'authority'] as const;
export type ReferenceSource = (typeof REFERENCE_SOURCES)[number];

export interface ReferencePhoto {
	source: ReferenceSource;
	jpeg: Uint8Array;
	sha256: string;
	/** Null when the server's face engine is off: embedded at the first submission that needs it. */
	embedding: readonly number[] | null;
}

const unusable = (why: string, en: string) =>
	new ServiceError(
		422,
		'reference_photo_unusable',
		`参考照片不可用：${why}`,
		`The reference photo is unusable: ${en}`
	);

/** Reads a JPEG's one face: the server's off-loop embedder, or `embedJpegFaces` with an engine (tests). */
export type JpegEmbedder = (jpeg: Uint8Array) => Promise<JpegFaces>;

/** Checks and embeds a reference photo before it is stored: a JPEG with exactly one face. */
export async function prepareReferencePhoto(
	source: ReferenceSource,
	jpeg: Uint8Array,
	embed: JpegEmbedder | null
): Promise<ReferencePhoto> {
	if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8 || jpeg[2] !== 0xff)
		throw unusable('不是 JPEG 文件', 'not a JPEG file');
	let embedding: number[] | null = null;
	if (embed) {
		// The face engine's own failures (models missing) are the server's, not the photo's: they propagate.
		const read = await embed(jpeg);
		if (!read.decodable) throw unusable('文件无法解码', 'the file cannot be decoded');
		embedding = read.embedding;
		if (!embedding) throw unusable('照片中应有且只有一张人脸', 'it must show exactly one face');
	}
	return { source, jpeg, sha256: createHash('sha256').update(jpeg).digest('hex'), embedding };
}

/** Stores (or replaces) the candidate's reference photo, in the caller's transaction. */
export async function storeReferencePhoto(tx: Db, candidateId: number, photo: ReferencePhoto): Promise<void> {
	const row = {
		source: photo.source,
		sha256: photo.sha256,
		jpeg: photo.jpeg,
		embedding: photo.embedding ? embeddingBytes(photo.embedding) : null,
		received_at: new Date(),
		embedded_at: photo.embedding ? new Date() : null,
		deleted_at: null
	};
	await tx
		.insertInto('reference_photos')
		.values({ candidate_id: candidateId, ...row })
		.onConflict((oc) => oc.column('candidate_id').doUpdateSet(row))
		.execute();
}

/**
 * The candidate's reference embedding, or null when there is none (never sent, or deleted under retention). One
 * stored before the face engine was on is embedded now, once, and kept. The JPEG is read only then: every other
 * submission reads the 2 kB embedding, not the photo beside it.
 */
export function referenceEmbedding(
	db: Db,
	candidateId: number,
	face: () => Promise<FaceEngine>
): Promise<Float32Array | null> {
	return storedReference(db, candidateId, null, face);
}

export function referenceEmbeddingByIdNumber(
	db: Db,
	idNumber: string,
	face: () => Promise<FaceEngine>
): Promise<Float32Array | null> {
	return storedReference(db, null, idNumber, face);
}

async function storedReference(
	db: Db,
	candidateId: number | null,
	idNumber: string | null,
	face: () => Promise<FaceEngine>
): Promise<Float32Array | null> {
	const row = await db
		.selectFrom('reference_photos')
		.innerJoin('candidates', 'candidates.id', 'reference_photos.candidate_id')
		.select([
			'reference_photos.candidate_id',
			'reference_photos.embedding',
			(eb) => eb('reference_photos.jpeg', 'is not', null).as('has_jpeg')
		])
		.$if(candidateId !== null, (q) => q.where('candidates.id', '=', candidateId!))
		.$if(idNumber !== null, (q) => q.where('candidates.id_number', '=', idNumber!))
		.where('reference_photos.deleted_at', 'is', null)
		.executeTakeFirst();
	if (!row) return null;
	if (row.embedding) return decodeEmbedding(row.embedding);
	if (!row.has_jpeg) return null;
	const { jpeg } = await db
		.selectFrom('reference_photos')
		.select('jpeg')
		.where('candidate_id', '=', row.candidate_id)
		.executeTakeFirstOrThrow();
	if (!jpeg) return null;
	const read = await embedJpegFaces(await face(), jpeg).catch(() => null);
	const embedding = read?.decodable ? read.embedding : null;
	if (!embedding) return null;
	await db
		.updateTable('reference_photos')
		.set({ embedding: embeddingBytes(embedding), embedded_at: new Date() })
		.where('candidate_id', '=', row.candidate_id)
		.execute();
	return Float32Array.from(embedding);
}
