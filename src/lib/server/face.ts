// The face engine on the server (on unless ZV_SERVER_FACE=0): the uploaded photo's content checks, its embedding
// for the match with the reference photo and the duplicate-identity check, and the reference photos' embeddings.
// Loaded on first use, once per process.
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

/** The embedding of the one face in the decoded photo, or null when there is not exactly one face. */
export async function embedPhoto(face: FaceEngine, image: RgbaImage): Promise<number[] | null> {
	const m = await face.measure(image);
	if (m.faceCount !== 1 || !m.face) return null;
	return Array.from((await face.embed(image, m.face)).vector);
}

/** The embedding of the one face in a JPEG (the native decoder), or null when there is not exactly one face. */
export async function embedJpeg(face: FaceEngine, bytes: Uint8Array): Promise<number[] | null> {
	const { decodeUploadJpeg } = await import('../runtime/node-image.ts');
	return embedPhoto(face, await decodeUploadJpeg(bytes));
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
