// What the phone says when a file from the album cannot be opened: an HEIC/HEIF photo is named, with what to do
// instead, in Chinese and English; anything else is "cannot be read".
import { describe, expect, it } from 'vitest';
import {
	PICTURE_HEIC,
	PICTURE_UNREADABLE,
	unreadablePicture
} from '../../../src/lib/core/idcard/capture-reasons.ts';

const boxHead = (brand: string) =>
	new Uint8Array([0, 0, 0, 24, ...Array.from(`ftyp${brand}`, (c) => c.charCodeAt(0)), 0, 0, 0, 0]);

describe('unreadablePicture', () => {
	it.each(['heic', 'heix', 'mif1'])('names an HEIC/HEIF photo (brand %s) and says what to do', (brand) => {
		const r = unreadablePicture(boxHead(brand));
		expect(r).toBe(PICTURE_HEIC);
		expect(r.zh).toContain('HEIC');
		expect(r.zh).toContain('打开摄像头拍摄');
		expect(r.en).toContain('Turn on the camera');
	});

	it('calls anything else unreadable: a damaged JPEG, a PDF, nothing at all', () => {
		expect(unreadablePicture(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe(PICTURE_UNREADABLE);
		expect(unreadablePicture(new TextEncoder().encode('%PDF-1.7'))).toBe(PICTURE_UNREADABLE);
		expect(unreadablePicture(new Uint8Array())).toBe(PICTURE_UNREADABLE);
		expect(unreadablePicture(boxHead('avif'))).toBe(PICTURE_UNREADABLE);
	});
});
