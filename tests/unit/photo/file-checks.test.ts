import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { withJfifDensity } from '../../../src/lib/core/image/jpeg-header.ts';
import { checkUploadFile } from '../../../src/lib/core/photo/file-checks.ts';
import { hubeiPhotoSpec as spec, liveStillSpec } from '../../../src/lib/core/photo/spec.ts';

const codes = (o: { reasons: { code: string }[] }) => o.reasons.map((r) => r.code).sort();

/** Noise compresses badly, so quality steers the byte size into or out of the 20-40 KB window. */
function noisyJpeg(width: number, height: number, quality: number, dpi: number): Uint8Array {
	const data = new Uint8Array(width * height * 4);
	let seed = 7;
	for (let i = 0; i < data.length; i++) {
		seed = (seed * 1103515245 + 12345) >>> 0;
		data[i] = i % 4 === 3 ? 255 : 100 + ((seed >>> 16) % 40);
	}
	return withJfifDensity(new Uint8Array(jpeg.encode({ data, width, height }, quality).data), dpi);
}

describe('upload file rules', () => {
	it('names each broken rule', () => {
		const big = noisyJpeg(480, 640, 95, 300);
		expect(big.length).toBeGreaterThan(spec.file.maxBytes);
		expect(codes(checkUploadFile(big, spec))).toEqual(['FILE_TOO_LARGE']);
		const lowDpi = noisyJpeg(480, 640, 95, 72);
		expect(codes(checkUploadFile(lowDpi, spec))).toEqual(['FILE_TOO_LARGE', 'FILE_WRONG_DPI']);
		const small = noisyJpeg(120, 160, 50, 300);
		expect(codes(checkUploadFile(small, spec))).toEqual(['FILE_TOO_SMALL', 'FILE_WRONG_DIMENSIONS']);
	});

	it('a live still has no print density; its size and byte window are still rules', () => {
		const still = noisyJpeg(480, 640, 60, 72);
		expect(codes(checkUploadFile(still, spec))).toContain('FILE_WRONG_DPI');
		expect(codes(checkUploadFile(still, liveStillSpec))).toEqual([]);
		expect(codes(checkUploadFile(noisyJpeg(640, 480, 60, 72), liveStillSpec))).toEqual([
			'FILE_WRONG_DIMENSIONS'
		]);
		expect(codes(checkUploadFile(noisyJpeg(120, 160, 50, 72), liveStillSpec))).toContain('FILE_TOO_SMALL');
	});

	it('refuses PNG and HEIC with their own codes', () => {
		const png = new Uint8Array(30000);
		png.set([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]);
		expect(codes(checkUploadFile(png, spec))).toEqual(['FILE_NOT_JPEG']);
		const heic = new Uint8Array(30000);
		heic.set([0, 0, 0, 24, ...'ftypheic'.split('').map((c) => c.charCodeAt(0))]);
		expect(codes(checkUploadFile(heic, spec))).toEqual(['FILE_HEIC_UNSUPPORTED']);
	});

	it('counts bytes at the KB boundaries the spec chose', () => {
		expect(spec.file.minBytes).toBe(20480);
		expect(spec.file.maxBytes).toBe(40000);
	});
});
