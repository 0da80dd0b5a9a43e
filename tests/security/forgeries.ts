// What a scripted client uploads: real faces from ../shared/fixtures (read through the one fixtures helper, never
// copied into the repository), made into registration photos at test time with the phone's own pipeline, so a
// forgery looks to the file rules exactly like what an honest phone sends.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import type { RgbaImage } from '../../src/lib/core/image/types.ts';
import type { ScreenColour } from '../../src/lib/core/liveness/colour.ts';
import { EVIDENCE_FRAMES, evidenceCropBox } from '../../src/lib/core/liveness/evidence.ts';
import { checkPhotoContent } from '../../src/lib/core/photo/checks.ts';
import { makePhoto } from '../../src/lib/core/photo/pipeline.ts';
import { createPersonSegmenter } from '../../src/lib/core/photo/segment-model.ts';
import { hubeiPhotoSpec } from '../../src/lib/core/photo/spec.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import { decodeImage } from '../../src/lib/runtime/node-image.ts';
import { mozjpegEncoder } from '../../src/lib/runtime/node-photo.ts';
import { fixture } from '../support/fixtures.ts';
import { relight } from '../support/relight.ts';
import { mjpegFrames } from '../support/mjpeg.ts';

export const fixtureBytes = (...path: string[]) => new Uint8Array(readFileSync(fixture(...path)));

export async function clipFrame(clip: string, index: number): Promise<Uint8Array> {
	const frames = mjpegFrames(fixtureBytes('clips', clip));
	if (!frames[index]) throw new Error(`${clip} has ${frames.length} frames, not ${index + 1}`);
	return frames[index];
}

/** Grey margins around a frame whose head touches its edges, so the framing has room (as a step back would). */
export async function padded(jpeg: Uint8Array, by: number): Promise<Uint8Array> {
	const background = { r: 128, g: 128, b: 128 };
	return new Uint8Array(
		await sharp(jpeg).extend({ top: by, bottom: by, left: by, right: by, background }).jpeg().toBuffer()
	);
}

let engine: ReturnType<typeof createFaceEngine> | null = null;
const face = () => (engine ??= createFaceEngine(nodeRuntime));
const segmenter = createPersonSegmenter(nodeRuntime);

/**
 * The registration photo the phone's pipeline makes of a picture (segmentation, framing, blue background, JPEG in
 * the byte window), whatever its content checks say: a modified client uploads it anyway.
 */
export async function registrationPhotoOf(picture: Uint8Array): Promise<Uint8Array> {
	const image: RgbaImage = await decodeImage(picture);
	const measurement = await face().measure(image);
	const mask = await segmenter.segment(image);
	const made = await makePhoto({ image, measurement, spec: hubeiPhotoSpec, encoder: mozjpegEncoder, mask });
	if (!made.bytes) throw new Error(`no photo made: ${made.reasons.map((r) => r.code).join(', ')}`);
	return made.bytes;
}

/** What the phone's own content check (checkPhotoContent) says of a photo: the premise of a forgery. */
export async function phoneCheckCodes(jpeg: Uint8Array): Promise<string[]> {
	const image = await decodeImage(jpeg);
	return checkPhotoContent(image, await face().measure(image), hubeiPhotoSpec).reasons.map((r) => r.code);
}

/**
 * The liveness evidence crop the phone makes of a frame (core/liveness/evidence.ts: the square around the detected
 * face, EVIDENCE_FRAMES.size JPEG), whatever the frame shows: a modified client crops anything it likes. `light`
 * relights the frame first as that screen colour would (tests/support/relight.ts).
 */
export async function evidenceCropOf(frame: Uint8Array, light?: ScreenColour): Promise<Uint8Array> {
	const image = await decodeImage(frame);
	const m = await face().measure(image);
	if (!m.face) throw new Error('no face to crop');
	if (light) relight(image, light);
	const b = evidenceCropBox(m.face.box, image.width, image.height);
	const raw = { raw: { width: image.width, height: image.height, channels: 4 as const } };
	return new Uint8Array(
		await sharp(image.data, raw)
			.extract({ left: b.x, top: b.y, width: b.width, height: b.height })
			.resize(EVIDENCE_FRAMES.size, EVIDENCE_FRAMES.size)
			.removeAlpha()
			.jpeg({ quality: Math.round(EVIDENCE_FRAMES.jpegQuality * 100) })
			.toBuffer()
	);
}
