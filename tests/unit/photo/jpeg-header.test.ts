import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import {
	jpegDpi,
	readJpegHeader,
	sniffFormat,
	withJfifDensity
} from '../../../src/lib/core/image/jpeg-header.ts';

function encode(width: number, height: number): Uint8Array {
	const data = new Uint8Array(width * height * 4).fill(200);
	return new Uint8Array(jpeg.encode({ data, width, height }, 80).data);
}

/** Inserts an APP1 EXIF block with Orientation and XResolution/ResolutionUnit (big-endian TIFF). */
function withExif(bytes: Uint8Array, orientation: number, dpi: number): Uint8Array {
	const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 3];
	const entry = (tag: number, type: number, value: number[]) => [
		tag >> 8,
		tag & 255,
		0,
		type,
		0,
		0,
		0,
		1,
		...value
	];
	tiff.push(...entry(0x0112, 3, [0, orientation, 0, 0]));
	tiff.push(...entry(0x011a, 5, [0, 0, 0, 50])); // rational at offset 50
	tiff.push(...entry(0x0128, 3, [0, 2, 0, 0]));
	tiff.push(0, 0, 0, 0);
	while (tiff.length < 50) tiff.push(0);
	tiff.push(0, 0, dpi >> 8, dpi & 255, 0, 0, 0, 1);
	const body = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
	const seg = [0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 255, ...body];
	const out = new Uint8Array(bytes.length + seg.length);
	out.set(bytes.subarray(0, 2));
	out.set(seg, 2);
	out.set(bytes.subarray(2), 2 + seg.length);
	return out;
}

describe('JPEG header', () => {
	it('reads the frame size from SOF, not from the file name or density', () => {
		const h = readJpegHeader(encode(48, 64));
		expect(h).toMatchObject({ width: 48, height: 64, components: 3, progressive: false });
	});

	it('writes a JFIF density that reads back as dots per inch', () => {
		const bytes = withJfifDensity(encode(16, 16), 300);
		const h = readJpegHeader(bytes);
		expect(h?.jfif).toEqual({ units: 1, xDensity: 300, yDensity: 300 });
		expect(jpegDpi(h!)).toBe(300);
	});

	it('inserts a JFIF segment when the encoder wrote none', () => {
		const raw = encode(16, 16);
		// strip jpeg-js's APP0 to mimic an encoder without JFIF
		const app0Len = (raw[4] << 8) | raw[5];
		const stripped = new Uint8Array([...raw.subarray(0, 2), ...raw.subarray(4 + app0Len)]);
		expect(readJpegHeader(stripped)?.jfif).toBeNull();
		const fixed = withJfifDensity(stripped, 300);
		expect(jpegDpi(readJpegHeader(fixed)!)).toBe(300);
		expect(readJpegHeader(fixed)?.width).toBe(16);
	});

	it('reads EXIF orientation and resolution', () => {
		const h = readJpegHeader(withExif(encode(16, 16), 6, 72));
		expect(h?.exifOrientation).toBe(6);
		expect(h?.exifDpi).toBe(72);
	});

	it('converts dots per cm to dpi', () => {
		const b = withJfifDensity(encode(8, 8), 300);
		b.set([2, 0, 118, 0, 118], 13);
		expect(jpegDpi(readJpegHeader(b)!)).toBe(300);
	});

	it('recognises other formats by magic bytes and refuses truncated JPEGs', () => {
		expect(sniffFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]))).toBe('png');
		const heic = new Uint8Array([0, 0, 0, 24, ...'ftypheic'.split('').map((c) => c.charCodeAt(0))]);
		expect(sniffFormat(heic)).toBe('heic');
		expect(readJpegHeader(encode(16, 16).subarray(0, 30))).toBeNull();
	});
});
