import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { jpegDpi, readJpegHeader } from '../../../src/lib/core/image/jpeg-header.ts';
import { createImage } from '../../../src/lib/core/image/types.ts';
import { encodeWithinSize, type JpegEncoder } from '../../../src/lib/core/photo/encode.ts';
import { hubeiPhotoSpec as spec } from '../../../src/lib/core/photo/spec.ts';

const jpegJs: JpegEncoder = {
	name: 'jpeg-js',
	async encode(image, quality) {
		return new Uint8Array(
			jpeg.encode({ data: image.data, width: image.width, height: image.height }, quality).data
		);
	}
};

/** A textured 480x640 image: smooth gradients plus noise, so the size depends on quality like a photo's does. */
function textured(): ReturnType<typeof createImage> {
	const img = createImage(480, 640);
	let seed = 1;
	for (let y = 0; y < 640; y++)
		for (let x = 0; x < 480; x++) {
			seed = (seed * 1103515245 + 12345) >>> 0;
			const n = (seed >>> 24) % 24;
			const o = (y * 480 + x) * 4;
			img.data.set([(x / 3 + n) & 255, (y / 3 + n) & 255, (128 + Math.sin(x / 20) * 60 + n) & 255, 255], o);
		}
	return img;
}

describe('quality search', () => {
	it('lands at the highest quality under the byte ceiling, with 300 dpi', async () => {
		const img = textured();
		const r = await encodeWithinSize(img, jpegJs, spec.file);
		expect(r.bytes.length).toBeLessThanOrEqual(spec.file.maxBytes);
		expect(jpegDpi(readJpegHeader(r.bytes)!)).toBe(300);
		// one quality step higher no longer fits: the search did not stop early
		const next = await jpegJs.encode(img, r.quality + 1);
		expect(next.length + 18).toBeGreaterThan(spec.file.maxBytes);
		expect(r.attempts).toBeLessThanOrEqual(5);
	});
});
