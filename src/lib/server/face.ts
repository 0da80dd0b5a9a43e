// The face engine on the server (ZV_SERVER_FACE=1): counts faces in the uploaded photo during its re-check and
// embeds the final photo for the duplicate-identity check. Loaded on first use, once per process.
import type { FaceEngine } from '../core/face/types.ts';
import { decodeJpeg } from '../core/photo/recheck.ts';
import { config } from './config.ts';

let engine: Promise<FaceEngine> | null = null;

export function serverFaceEngine(): Promise<FaceEngine> | null {
	if (!config.serverFace) return null;
	engine ??= (async () => {
		const [{ createFaceEngine }, { nodeRuntime }] = await Promise.all([
			import('../core/face/engine.ts'),
			import('../runtime/node.ts')
		]);
		return createFaceEngine(nodeRuntime);
	})();
	return engine;
}

/** The embedding of the one face in a JPEG, or null when there is not exactly one face. */
export async function embedPhoto(face: FaceEngine, jpeg: Uint8Array): Promise<number[] | null> {
	const image = decodeJpeg(jpeg);
	const m = await face.measure(image);
	if (m.faceCount !== 1 || !m.face) return null;
	return Array.from((await face.embed(image, m.face)).vector);
}
