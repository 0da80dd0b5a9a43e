// The server re-checks uploads with pixels decoded by sharp (libvips), the phone and the CLI with jpeg-js: on the
// same files both must reach the same verdict, with background measures that differ only by decoder rounding.
import { readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { recheckUploadedPhoto } from '../../src/lib/core/photo/recheck.ts';
import type { PhotoVerdict } from '../../src/lib/core/photo/reasons.ts';
import { hubeiPhotoSpec as spec } from '../../src/lib/core/photo/spec.ts';
import { decodeUploadJpeg } from '../../src/lib/runtime/node-image.ts';
import { fixture } from '../support/fixtures.ts';

const codes = (v: PhotoVerdict) => v.reasons.map((r) => r.code).sort();
const read = (name: string) => new Uint8Array(readFileSync(fixture('idphotos', name)));
const both = async (bytes: Uint8Array) => ({
	jpegJs: await recheckUploadedPhoto(bytes, spec),
	sharp: await recheckUploadedPhoto(bytes, spec, undefined, decodeUploadJpeg)
});

/** Decoders round differently (IDCT, chroma upsampling): the background's mean colour and spread move a little. */
function expectSameBackground(a: PhotoVerdict, b: PhotoVerdict) {
	const m = (v: PhotoVerdict, key: string) => v.measures[key] as number;
	if (typeof a.measures.backgroundR !== 'number') {
		expect(b.measures.backgroundR).toBeUndefined();
		return;
	}
	for (const key of ['backgroundR', 'backgroundG', 'backgroundB'])
		expect(Math.abs(m(a, key) - m(b, key))).toBeLessThanOrEqual(3);
	// No bound on the hue: for a near-grey background (hivision test3) a step of 1 in a channel turns it by 11°.
	expect(Math.abs(m(a, 'backgroundSpreadDeltaE') - m(b, 'backgroundSpreadDeltaE'))).toBeLessThan(1);
	expect(Math.abs(m(a, 'backgroundInsideShare') - m(b, 'backgroundInsideShare'))).toBeLessThan(0.02);
}

describe('photo re-check: sharp decoding on the server, jpeg-js on the phone', () => {
	const files = readdirSync(fixture('idphotos')).filter((f) => f.endsWith('.jpg') || f.endsWith('.png'));

	it.each(files)('%s: same reasons with either decoder', async (name) => {
		const { jpegJs, sharp: native } = await both(read(name));
		expect(codes(native)).toEqual(codes(jpegJs));
		expect(native.ok).toBe(jpegJs.ok);
		expectSameBackground(jpegJs, native);
	});

	it('the compliant upload passes and its background measures agree', async () => {
		const { jpegJs, sharp: native } = await both(read('blue_bg_man_compliant_480x640.jpg'));
		expect(native.ok).toBe(true);
		expect(Object.keys(native.measures).sort()).toEqual(Object.keys(jpegJs.measures).sort());
	});

	it('a truncated JPEG is undecodable for both', async () => {
		const cut = read('blue_bg_man_compliant_480x640.jpg').slice(0, 21000);
		const { jpegJs, sharp: native } = await both(cut);
		expect(codes(native)).toContain('FILE_UNREADABLE');
		expect(codes(native)).toEqual(codes(jpegJs));
	});

	it('a greyscale JPEG decodes to RGBA like jpeg-js (grey background refused by both)', async () => {
		const grey = new Uint8Array(
			await sharp(read('blue_bg_man_compliant_480x640.jpg'))
				.greyscale()
				.jpeg({ quality: 90 })
				.withMetadata({ density: 300 })
				.toBuffer()
		);
		const image = await decodeUploadJpeg(grey);
		expect(image.data.length).toBe(image.width * image.height * 4);
		const { jpegJs, sharp: native } = await both(grey);
		expect(codes(native)).toEqual(codes(jpegJs));
		expect(codes(native)).toContain('BACKGROUND_WRONG_COLOUR');
	});

	it('refuses what is not a JPEG before libvips picks another loader', async () => {
		await expect(decodeUploadJpeg(read('nonconf_png_format_blue_bg_man.png'))).rejects.toThrow('not a JPEG');
	});
});
