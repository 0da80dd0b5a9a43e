// Turning a picked file or a camera frame into pixels, on the phone only.
import { decodedSize } from '../core/image/decoded-size.ts';

/**
 * A picked picture's pixels, upright by its EXIF, scaled down to what every phone browser can draw. The EXIF
 * orientation is the default and is not asked for by name: engines before Chrome 112 know the value as 'none' and
 * refuse 'from-image' with a TypeError.
 */
export async function fileToImageData(file: Blob): Promise<ImageData> {
	const bitmap = await createImageBitmap(file);
	try {
		const { width, height } = decodedSize(bitmap.width, bitmap.height);
		const canvas = new OffscreenCanvas(width, height);
		const ctx = canvas.getContext('2d', { willReadFrequently: true });
		if (!ctx) throw new Error(`no 2d context for a ${width}x${height} canvas`);
		ctx.imageSmoothingQuality = 'high';
		ctx.drawImage(bitmap, 0, 0, width, height);
		return ctx.getImageData(0, 0, width, height);
	} finally {
		bitmap.close();
	}
}

/** A file's first bytes, enough to tell its format (sniffFormat). */
export async function fileHead(file: Blob): Promise<Uint8Array> {
	return new Uint8Array(await file.slice(0, 16).arrayBuffer());
}

export async function sha256Hex(blob: Blob): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
