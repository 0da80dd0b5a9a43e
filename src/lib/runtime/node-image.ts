// Decodes image files for Node (tests, CLI, server re-checks) into the core's RgbaImage, honouring EXIF orientation.
import sharp, { type Sharp } from 'sharp';
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

/** Largest pixel count the upload decoder accepts: far above any photo spec, far below a decompression bomb. */
const MAX_UPLOAD_PIXELS = 16_000_000;

/**
 * Decodes an uploaded JPEG exactly as stored (no EXIF rotation: uploads must be upright in their pixels, as the
 * photo re-check's jpeg-js path reads them) with libvips, in libuv's thread pool, so the server's event loop is
 * free meanwhile. Refuses non-JPEG input and files libjpeg reports as damaged (sharp's default failOn: 'warning').
 */
export async function decodeUploadJpeg(bytes: Uint8Array): Promise<RgbaImage> {
	// The JPEG signature, so libvips never picks another loader (PNG, WebP, SVG…) for what must be a JPEG.
	if (bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) throw new Error('not a JPEG');
	return toRgba(sharp(bytes, { limitInputPixels: MAX_UPLOAD_PIXELS }));
}
