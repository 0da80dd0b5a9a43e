// The live still (Fujian): one frame of the face capture, sent with the bundle so that the server's own face engine
// can match it with the approved reference photo. It is taken right after the liveness check, while the camera
// still runs: the first frame the phone's photo checks accept under the policy's spec (the same checks the server
// re-runs), cut to the spec's 3:4 from the centre of the picture (where the oval guide keeps the face) and encoded
// as JPEG. Only this one JPEG leaves the phone; no video does.
import type { Message } from '../core/text.ts';
import type { Remote } from 'comlink';
import type { PhotoSpec } from '../core/photo/spec.ts';
import type { FaceWorkerApi } from '../../../workers/face.worker.ts';
import type { PhotoWorkerApi } from '../../../workers/photo.worker.ts';
import type { PhotoEvidence } from './phone-store.ts';

/** Frames tried before the last one is sent as it is (the server then refuses it with its reasons). */
const TRIES = 20;
const BETWEEN_TRIES_MS = 150;
const JPEG_QUALITY = 0.9;

export type Reason = Message;

/** The centre of a video frame at the spec's aspect, drawn at the spec's pixel size. */
function centreCut(video: HTMLVideoElement, spec: PhotoSpec): OffscreenCanvas {
	const { width, height } = spec.file;
	const canvas = new OffscreenCanvas(width, height);
	const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
	const scale = Math.min(video.videoWidth / width, video.videoHeight / height);
	const sw = width * scale;
	const sh = height * scale;
	ctx.drawImage(
		video,
		(video.videoWidth - sw) / 2,
		(video.videoHeight - sh) / 2,
		sw,
		sh,
		0,
		0,
		width,
		height
	);
	return canvas;
}

/** A still as it is, unchecked (the face models did not load): the server's re-check judges it. */
export async function uncheckedStill(
	video: HTMLVideoElement,
	spec: PhotoSpec
): Promise<PhotoEvidence | null> {
	if (!video.videoWidth) return null;
	const jpeg = await centreCut(video, spec).convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
	return {
		original: jpeg,
		output: jpeg,
		passed: false,
		reasons: [],
		measures: { still: true, checked: false }
	};
}

/**
 * Takes the live still; `hint` shows what the last refused frame lacked (eyes closed, head turned, …), so the
 * candidate can correct it while the phone keeps trying.
 */
export async function takeLiveStill(
	video: HTMLVideoElement,
	spec: PhotoSpec,
	face: Remote<FaceWorkerApi>,
	photo: Remote<PhotoWorkerApi>,
	hint: (reason: Reason | null) => void
): Promise<PhotoEvidence | null> {
	let last: PhotoEvidence | null = null;
	for (let i = 0; i < TRIES; i++) {
		if (!video.videoWidth) break;
		const canvas = centreCut(video, spec);
		const frame = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
		const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
		const measurement = await face.measureStill(frame);
		const verdict = await photo.check(frame, measurement, spec, new Uint8Array(await jpeg.arrayBuffer()));
		const reasons = verdict.reasons.map(({ code, zh, en }) => ({ code, zh, en }));
		last = {
			original: jpeg,
			output: jpeg,
			passed: verdict.ok,
			reasons,
			measures: { still: true, tries: i + 1 }
		};
		if (verdict.ok) break;
		hint(reasons[0] ?? null);
		await new Promise((r) => setTimeout(r, BETWEEN_TRIES_MS));
	}
	hint(null);
	return last;
}
