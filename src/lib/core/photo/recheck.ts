// The server's re-check of a received photo file, with the same core the phone ran. Pure TypeScript and a pure-JS
// JPEG decoder (jpeg-js), so it runs unchanged in the SvelteKit server, the CLI and tests.
import jpeg from 'jpeg-js';
import type { FaceEngine } from '../face/types.ts';
import type { RgbaImage } from '../image/types.ts';
import { backgroundStats, backgroundZones } from './background.ts';
import { checkBackground, checkFaceCount } from './checks.ts';
import { checkUploadFile } from './file-checks.ts';
import { headGeometry } from './head.ts';
import { combine, reason, type CheckOutcome, type PhotoVerdict } from './reasons.ts';
import type { PhotoSpec } from './spec.ts';

/** Decodes a JPEG to RGBA with jpeg-js (EXIF orientation is not applied: uploads must be upright in pixels). */
export function decodeJpeg(bytes: Uint8Array): RgbaImage {
	const out = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
	return { width: out.width, height: out.height, data: out.data };
}

/** Turns the upload's JPEG bytes into upright-as-stored RGBA pixels; throws when the file cannot be decoded. */
export type JpegDecoder = (bytes: Uint8Array) => RgbaImage | Promise<RgbaImage>;

/**
 * File rules (JPEG, size in pixels, dpi, bytes, upright), decodability, exactly one face (when a face engine is
 * given) and the background's colour and uniformity. Any reason means the upload is refused (the server answers 4xx).
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
	if (outcomes[0].measures.format !== 'jpeg') return combine(outcomes);
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
	let faceBox = null;
	let eyeY: number | undefined;
	if (faceEngine) {
		const m = await faceEngine.measure(image);
		outcomes.push(checkFaceCount(m));
		if (m.faceCount === 1 && m.face) {
			faceBox = m.face.box;
			eyeY = headGeometry(m, image.width)?.eyeY;
		}
	} else {
		outcomes.push({ reasons: [], measures: { faceCount: null } });
	}
	const zones = backgroundZones(image.width, image.height, faceBox, eyeY);
	outcomes.push(checkBackground(backgroundStats(image, zones, spec.background), spec));
	return combine(outcomes);
}
