// Decodes image files for Node (tests, CLI, server re-checks) into the core's RgbaImage, honouring EXIF orientation.
import sharp, { type Sharp } from 'sharp';
import { decodedSize } from '../core/image/decoded-size.ts';
import { sniffFormat, type FileFormat } from '../core/image/jpeg-header.ts';
import type { RgbaImage } from '../core/image/types.ts';

export async function decodeImage(input: string | Uint8Array): Promise<RgbaImage> {
	return toRgba(sharp(input).rotate());
}

/** RGBA pixels from a sharp pipeline: greyscale and CMYK files become RGB, as jpeg-js's formatAsRGBA gives them. */
async function toRgba(image: Sharp): Promise<RgbaImage> {
	const { data, info } = await image
		.toColourspace('srgb')
		.ensureAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	if (info.channels !== 4) throw new Error(`decoded to ${info.channels} channels, expected RGBA`);
	return {
		width: info.width,
		height: info.height,
		data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length)
	};
}

export async function encodePng(image: RgbaImage): Promise<Buffer> {
	return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
		raw: { width: image.width, height: image.height, channels: 4 }
	})
		.png()
		.toBuffer();
}

/** What a picture someone uploads may be, to be processed: what phones and PCs save, decoded by libvips itself. */
const PICTURE_FORMATS: readonly FileFormat[] = ['jpeg', 'png', 'webp'];
/** The largest picture decoded for processing: a 50 MP phone still. A few bytes of PNG can claim far more. */
const MAX_PICTURE_PIXELS = 50_000_000;

/**
 * Decodes a picture someone uploaded, to make something of it (a processed photo): JPEG, PNG or WebP only, refused
 * unread past 50 MP, upright by its EXIF, and scaled down to 12 MP at most as the phone draws an album picture.
 */
export async function decodePicture(bytes: Uint8Array): Promise<RgbaImage> {
	if (!PICTURE_FORMATS.includes(sniffFormat(bytes))) throw new Error('not a JPEG, PNG or WebP picture');
	const input = sharp(bytes, { limitInputPixels: MAX_PICTURE_PIXELS, failOn: 'error' });
	const { width = 0, height = 0, orientation = 1 } = await input.metadata();
	if (width * height > MAX_PICTURE_PIXELS) throw new Error(`a picture of ${width}x${height} is too large`);
	// EXIF orientations 5-8 turn the picture a quarter: its upright width is the stored height.
	const upright = orientation >= 5 ? decodedSize(height, width) : decodedSize(width, height);
	return toRgba(input.rotate().resize({ ...upright, fit: 'inside', withoutEnlargement: true }));
}

/** Largest pixel count the upload decoder accepts: far above any photo spec, far below a decompression bomb. */
const MAX_UPLOAD_PIXELS = 16_000_000;

/**
 * Decodes an uploaded JPEG exactly as stored (no EXIF rotation: uploads must be upright in their pixels, as the
 * photo re-check's jpeg-js path reads them) with libvips, in libuv's thread pool, so the server's event loop is
 * free meanwhile. Refuses non-JPEG input, files libjpeg reports as damaged (sharp's default failOn: 'warning'), and
 * unread, a frame of more than `maxPixels`: callers that know what they expect (a photo of the spec's size, a
 * liveness crop) pass their own bound, as a few kilobytes of JPEG can declare tens of megabytes of pixels.
 */
export async function decodeUploadJpeg(bytes: Uint8Array, maxPixels = MAX_UPLOAD_PIXELS): Promise<RgbaImage> {
	// The JPEG signature, so libvips never picks another loader (PNG, WebP, SVG…) for what must be a JPEG.
	if (bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) throw new Error('not a JPEG');
	return toRgba(sharp(bytes, { limitInputPixels: Math.min(maxPixels, MAX_UPLOAD_PIXELS) }));
}
