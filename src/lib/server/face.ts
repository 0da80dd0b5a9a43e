// The face engine on the server (on unless ZV_SERVER_FACE=0): the uploaded photo's content checks, its embedding
// for the match with the reference photo and the duplicate-identity check, and the reference photos' embeddings.
// Loaded on first use, once per process.
import { createHash } from 'node:crypto';
import type { FaceEngine } from '../core/face/types.ts';
import type { RgbaImage } from '../core/image/types.ts';
import { config } from './config.ts';

let engine: Promise<FaceEngine> | null = null;

export function serverFaceEngine(): Promise<FaceEngine> | null {
	if (!config.serverFace) return null;
	engine ??= (async () => {
		const [{ createFaceEngine }, { serverRuntime }] = await Promise.all([
			import('../core/face/engine.ts'),
			import('../runtime/node-server.ts')
		]);
		return createFaceEngine(serverRuntime);
	})();
	return engine;
}

/**
 * The server's embedder of JPEGs (reference photos, the simulator's probe): in the photo workers, off the event
 * loop; null when the face engine is off. Imported on first use, so the workers' module stays a chunk of its own.
 */
export function serverJpegEmbedder(): ((jpeg: Uint8Array) => Promise<JpegFaces>) | null {
	if (!config.serverFace) return null;
	return async (jpeg) => (await import('./photo-recheck-pool.ts')).embedServerJpeg(jpeg);
}

/** The embedding of the one face in the decoded photo, or null when there is not exactly one face. */
export async function embedPhoto(face: FaceEngine, image: RgbaImage): Promise<number[] | null> {
	const m = await face.measure(image);
	if (m.faceCount !== 1 || !m.face) return null;
	return Array.from((await face.embed(image, m.face)).vector);
}

/** A JPEG's face as the server reads it: undecodable, or the embedding of its one face (null: not exactly one). */
export type JpegFaces = { decodable: false } | { decodable: true; embedding: number[] | null };

/** The embedding of the one face in a JPEG (the native decoder), in this thread. */
export async function embedJpegFaces(face: FaceEngine, bytes: Uint8Array): Promise<JpegFaces> {
	const { decodeUploadJpeg } = await import('../runtime/node-image.ts');
	const image = await decodeUploadJpeg(bytes).catch(() => null);
	if (!image) return { decodable: false };
	return { decodable: true, embedding: await embedPhoto(face, image) };
}

// The embeddings of the photos this thread's re-checks just measured, by the bytes' SHA-256: the identity
// authority's simulator is asked about the same bytes right after, and the engine would give the same vector again.
const recent = new Map<string, number[]>();
const RECENT_LIMIT = 256;
const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function rememberEmbedding(bytes: Uint8Array, embedding: number[]): void {
	const key = digest(bytes);
	recent.delete(key);
	recent.set(key, embedding);
	if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value!);
}

export function recentEmbedding(bytes: Uint8Array): number[] | null {
	return recent.get(digest(bytes)) ?? null;
}

/**
 * The engine with `measure` remembered for the last image it saw, for one request: the photo re-check counts the
 * faces and the duplicate check embeds the same decoded photo, so the detector runs once, not twice.
 */
export function measuringOnce(face: FaceEngine): FaceEngine {
	let last: { image: RgbaImage; t: number | undefined; result: ReturnType<FaceEngine['measure']> } | null =
		null;
	return {
		measure(image, t) {
			if (last?.image !== image || last.t !== t) last = { image, t, result: face.measure(image, t) };
			return last.result;
		},
		embed: (image, detected) => face.embed(image, detected),
		liveness: (image, detected) => face.liveness(image, detected)
	};
}
