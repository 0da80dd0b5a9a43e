// The server's checks of an uploaded pre-registration photo: the photo core's re-check the phone's submission gets
// (file rules, and with the face engine every content rule), and for a refused upload the processed photo the
// phone's pipeline would offer (framing, blue background, JPEG in the byte window), made with the server's engine.
import { makePhoto } from '../../core/photo/pipeline.ts';
import { createPersonSegmenter, type PersonSegmenter } from '../../core/photo/segment-model.ts';
import { decodePicture } from '../../runtime/node-image.ts';
import { mozjpegEncoder } from '../../runtime/node-photo.ts';
import { serverFaceEngine } from '../face.ts';
import type { PreRegistrationPolicy } from '../../core/policy/index.ts';
import type { UploadChecks } from './pre-registration.ts';
import { recheckPhoto } from './submit.ts';

let segmenter: PersonSegmenter | null = null;
/** The person segmentation the phone's pipeline runs, on the server's runtime, loaded on first use. */
async function personSegmenter(): Promise<PersonSegmenter> {
	const { serverRuntime } = await import('../../runtime/node-server.ts');
	return (segmenter ??= createPersonSegmenter(serverRuntime));
}

/** The processed photo being made: the next waits for it (each holds up to ~70 MB and the event loop meanwhile). */
let making: Promise<unknown> = Promise.resolve();

async function processedPhoto(bytes: Uint8Array, policy: PreRegistrationPolicy): Promise<Uint8Array | null> {
	const engine = serverFaceEngine();
	if (!engine) return null;
	const image = await decodePicture(bytes).catch(() => null);
	if (!image) return null;
	const face = await engine;
	const made = await makePhoto({
		image,
		measurement: await face.measure(image),
		spec: policy.photo,
		encoder: mozjpegEncoder,
		mask: await (await personSegmenter()).segment(image)
	});
	return made.ok && made.bytes ? made.bytes : null;
}

export const serverUploadChecks: UploadChecks = {
	async reasons(jpeg, policy) {
		const { reasons } = await recheckPhoto(jpeg, policy.photo, undefined);
		return reasons.map(({ code, zh, en }) => ({ code, zh, en }));
	},
	processed(bytes, policy) {
		const turn = making.then(() => processedPhoto(bytes, policy));
		making = turn.catch(() => null);
		return turn;
	}
};
