// Required attachments are required: a province whose flow takes a photo or a signature refuses a bundle without
// the file, and a signature must be a PNG that decodes and shows ink. (The bundle's claim that the signature step
// passed is the phone's word; the file is what the office keeps.)
import sharp, { type OutputInfo } from 'sharp';
import type { ProvincePolicy } from '../../core/policy/types.ts';
import { ServiceError } from './errors.ts';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Largest signature canvas accepted: a phone's pad at device pixel ratio 3 is ~1700x700. */
const MAX_SIGNATURE_PIXELS = 4_000_000;
/** Ink: share of the pad a signature covers. A stroke across a 560x220 pad covers ~0.5 %; a filled pad is not one. */
const MIN_INK_PIXELS = 50;
const MIN_INK_SHARE = 0.0005;
const MAX_INK_SHARE = 0.4;

export function checkRequiredAttachments(
	policy: ProvincePolicy,
	files: { photo?: Uint8Array; signature?: Uint8Array }
): void {
	if (policy.photo.kind !== 'none' && !files.photo)
		throw new ServiceError(
			400,
			'photo_missing',
			'缺少照片文件，请重新拍摄或上传照片后提交',
			'The photo file is missing; take or upload the photo again and submit.'
		);
	if (policy.signatureRequired && !files.signature)
		throw new ServiceError(
			400,
			'signature_missing',
			'缺少手写签名，请签名后提交',
			'The handwritten signature is missing; sign and submit again.'
		);
}

/** Dark, opaque pixels over all pixels of the decoded RGBA image. */
export function inkShare(data: Uint8Array, width: number, height: number): { pixels: number; share: number } {
	let pixels = 0;
	for (let i = 0; i < data.length; i += 4) {
		const luma = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
		if (data[i + 3] >= 128 && luma < 128) pixels++;
	}
	return { pixels, share: pixels / Math.max(1, width * height) };
}

export async function checkSignaturePng(bytes: Uint8Array): Promise<void> {
	const invalid = () =>
		new ServiceError(
			400,
			'signature_invalid',
			'签名文件不是有效的 PNG 图片，请重新签名',
			'The signature file is not a valid PNG image; sign again.'
		);
	if (bytes.length < 8 || PNG_MAGIC.some((b, i) => bytes[i] !== b)) throw invalid();
	let raw: { data: Buffer; info: OutputInfo };
	try {
		raw = await sharp(bytes, { limitInputPixels: MAX_SIGNATURE_PIXELS, failOn: 'error' })
			.ensureAlpha()
			.raw()
			.toBuffer({ resolveWithObject: true });
	} catch {
		throw invalid();
	}
	const ink = inkShare(raw.data, raw.info.width, raw.info.height);
	if (ink.pixels < MIN_INK_PIXELS || ink.share < MIN_INK_SHARE || ink.share > MAX_INK_SHARE)
		throw new ServiceError(
			400,
			'signature_blank',
			'签名为空白或无法辨认，请在签名框内手写签名',
			'The signature is blank or not a signature; sign by hand in the box.'
		);
}
