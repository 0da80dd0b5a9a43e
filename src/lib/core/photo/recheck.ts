// The server's re-check of a received photo file, with the same core the phone ran. Pure TypeScript and a pure-JS
// JPEG decoder (jpeg-js), so it runs unchanged in the SvelteKit server, the CLI and tests.
import jpeg from 'jpeg-js';
import type { FaceEngine } from '../face/types.ts';
import type { RgbaImage } from '../image/types.ts';
import { backgroundStats, backgroundZones } from './background.ts';
import { checkBackground, checkPhotoContent } from './checks.ts';
import { checkUploadFile } from './file-checks.ts';
import { combine, reason, type CheckOutcome, type PhotoVerdict } from './reasons.ts';
import { rulesOf, type PhotoSpec } from './spec.ts';

/** Decodes a JPEG to RGBA with jpeg-js (EXIF orientation is not applied: uploads must be upright in pixels). */
export function decodeJpeg(bytes: Uint8Array): RgbaImage {
	const out = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
	return { width: out.width, height: out.height, data: out.data };
}

/** Turns the upload's JPEG bytes into upright-as-stored RGBA pixels; throws when the file cannot be decoded. */
export type JpegDecoder = (bytes: Uint8Array) => RgbaImage | Promise<RgbaImage>;

/**
 * The largest frame whose pixels the re-check decodes: a file near the spec's size is judged on its content too (all
 * its reasons at once), a larger one by its file rules only. A few kilobytes of JPEG can declare 4000x4000 pixels,
 * 64 MB decoded, with the face engine's work on them after.
 */
export const recheckPixelLimit = (spec: PhotoSpec) => 4 * spec.file.width * spec.file.height;

/**
 * File rules (JPEG, size in pixels, dpi, bytes, upright), decodability, and with a face engine every content check
 * the phone applies (checkPhotoContent); without one only the background's colour and uniformity. Any reason means the upload is refused (the server answers 4xx).
 * `decode` defaults to jpeg-js (browser, worker, CLI); the server passes a native decoder that runs off its event
 * loop and keeps the pixels for the duplicate-face embedding, and the same checks then run on those pixels.
 */
export async function recheckUploadedPhoto(
	bytes: Uint8Array,
	spec: PhotoSpec,
	faceEngine?: FaceEngine,
	decode: JpegDecoder = decodeJpeg
): Promise<PhotoVerdict> {
	const outcomes: CheckOutcome[] = [checkUploadFile(bytes, spec)];
	const { format, width, height } = outcomes[0].measures;
	if (format !== 'jpeg') return combine(outcomes);
	// No frame header (already a reason), or a frame too large to decode for the reasons it could add.
	if (typeof width !== 'number' || typeof height !== 'number' || width * height > recheckPixelLimit(spec))
		return combine(outcomes);
	let image: RgbaImage;
	try {
		image = await decode(bytes);
	} catch {
		outcomes.push({
			reasons: [
				reason('FILE_UNREADABLE', '文件已损坏，无法解码', 'The file is damaged and cannot be decoded')
			],
			measures: { decodable: false }
		});
		return combine(outcomes);
	}
	outcomes.push({ reasons: [], measures: { decodable: true } });
	if (faceEngine) {
		// With a face engine, the phone's own content checks on the received pixels: one face, in frame, frontal,
		// eyes open, mouth closed, head framed, sharp and evenly lit, and the background.
		outcomes.push(checkPhotoContent(image, await faceEngine.measure(image), spec));
		return combine(outcomes);
	}
	outcomes.push({ reasons: [], measures: { faceCount: null } });
	if (!rulesOf(spec).backdrop) return combine(outcomes);
	const zones = backgroundZones(image.width, image.height, null, undefined);
	outcomes.push(checkBackground(backgroundStats(image, zones, spec.background), spec));
	return combine(outcomes);
}
