// Decodes image files for Node (tests, CLI, server re-checks) into the core's RgbaImage, honouring EXIF orientation.
import sharp from 'sharp';
import type { RgbaImage } from '../core/image/types.ts';

export async function decodeImage(input: string | Uint8Array): Promise<RgbaImage> {
	const { data, info } = await sharp(input)
		.rotate()
		.ensureAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
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
