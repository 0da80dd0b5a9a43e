// Real fixtures through the real face engine: the compliant photo passes, each non-compliant one is refused for
// its own rule, and made photos read back by ImageMagick as JPEG 480x640, 300 dpi, inside the byte window.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEngine } from '../../../src/lib/core/face/engine.ts';
import { compareFaces } from '../../../src/lib/core/face/match.ts';
import type { FaceEngine } from '../../../src/lib/core/face/types.ts';
import { checkPhotoContent } from '../../../src/lib/core/photo/checks.ts';
import { checkUploadFile } from '../../../src/lib/core/photo/file-checks.ts';
import { makePhoto } from '../../../src/lib/core/photo/pipeline.ts';
import { combine } from '../../../src/lib/core/photo/reasons.ts';
import { recheckUploadedPhoto } from '../../../src/lib/core/photo/recheck.ts';
import { createPersonSegmenter } from '../../../src/lib/core/photo/segment-model.ts';
import { hubeiPhotoSpec as spec } from '../../../src/lib/core/photo/spec.ts';
import { nodeRuntime } from '../../../src/lib/runtime/node.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { mozjpegEncoder } from '../../../src/lib/runtime/node-photo.ts';
import { fixture } from '../../support/fixtures.ts';

let engine: FaceEngine;
let outDir: string;
beforeAll(() => {
	engine = createFaceEngine(nodeRuntime);
	outDir = mkdtempSync(join(tmpdir(), 'zv-photo-'));
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

async function check(path: string) {
	const bytes = new Uint8Array(readFileSync(path));
	const image = await decodeImage(path);
	const m = await engine.measure(image);
	return combine([checkUploadFile(bytes, spec), checkPhotoContent(image, m, spec)]);
}
const codes = (v: { reasons: { code: string }[] }) => v.reasons.map((r) => r.code);

describe('zv photo check on the idphotos fixtures', () => {
	it('passes the compliant photo', async () => {
		const v = await check(fixture('idphotos', 'blue_bg_man_compliant_480x640.jpg'));
		expect(codes(v)).toEqual([]);
		expect(v.ok).toBe(true);
		expect(v.measures).toMatchObject({ width: 480, height: 640, dpi: 300, faceCount: 1 });
	});

	const cases: [string, string[]][] = [
		['nonconf_too_large_file_blue_bg_man.jpg', ['FILE_TOO_LARGE']],
		['nonconf_too_small_120x160_blue_bg_man.jpg', ['FILE_WRONG_DIMENSIONS']],
		['nonconf_sideways_rot90_blue_bg_man.jpg', ['FILE_WRONG_DIMENSIONS']],
		['nonconf_72dpi_blue_bg_man.jpg', ['FILE_WRONG_DPI']],
		['nonconf_png_format_blue_bg_man.png', ['FILE_NOT_JPEG']],
		['nonconf_two_faces_blue_bg.jpg', ['FACE_MULTIPLE']],
		['nonconf_no_face_plain_blue.jpg', ['FACE_NONE']],
		['nonconf_wrong_background_hivision_test1.jpg', ['BACKGROUND_WRONG_COLOUR', 'FILE_WRONG_DIMENSIONS']],
		['nonconf_wrong_background_hivision_test2.jpg', ['BACKGROUND_WRONG_COLOUR', 'FILE_WRONG_DIMENSIONS']],
		['nonconf_wrong_background_hivision_test3.jpg', ['BACKGROUND_WRONG_COLOUR', 'FILE_WRONG_DIMENSIONS']],
		['nonconf_wrong_background_hivision_test4.jpg', ['BACKGROUND_WRONG_COLOUR', 'FILE_WRONG_DIMENSIONS']]
	];
	for (const [file, expected] of cases) {
		it(`refuses ${file} for ${expected.join(' + ')}`, async () => {
			const v = await check(fixture('idphotos', file));
			expect(v.ok).toBe(false);
			for (const code of expected) expect(codes(v)).toContain(code);
			// the photos that differ from the compliant one in a file rule only must not pick up content reasons
			if (/too_large|72dpi|too_small/.test(file))
				expect(codes(v).filter((c) => !c.startsWith('FILE_'))).toEqual([]);
		});
	}
});

/** Portraits on plain backdrops: the colour-region path (no model) makes them compliant too. */
const plainBackdrop = [
	['idphotos', 'blue_bg_man_original_358x441.jpg'],
	['idphotos', 'nonconf_wrong_background_hivision_test3.jpg'],
	['idphotos', 'nonconf_wrong_background_hivision_test4.jpg'],
	['faces', 'jacky_cheung_1.jpg'],
	['faces', 'alex_lacamoire_1.jpg']
];
/** Any backdrop (street, room, office): the selfie segmentation model path. */
const anyBackdrop = [
	...plainBackdrop,
	['idphotos', 'nonconf_wrong_background_hivision_test1.jpg'],
	['idphotos', 'nonconf_wrong_background_hivision_test2.jpg'],
	['faces', 'jacky_cheung_2.jpg'],
	['faces', 'alex_lacamoire_2.jpg'],
	['faces', 'astronaut.png'],
	['faces', 'obama_1.jpg'],
	['faces', 'kit_harington_1.jpg'],
	['faces', 'obama_small.jpg'],
	['faces', 'obama_240p.jpg']
];

function identify(path: string) {
	const [format, width, height, xres, units, size] = execFileSync('identify', [
		'-format',
		'%m %w %h %x %U %B',
		path
	])
		.toString()
		.trim()
		.split(' ');
	return {
		format,
		width: Number(width),
		height: Number(height),
		dpi: Number(xres),
		units,
		bytes: Number(size)
	};
}

async function expectCompliantOutput(made: Awaited<ReturnType<typeof makePhoto>>, name: string) {
	expect(codes(made)).toEqual([]);
	const out = join(outDir, name.replace(/\.\w+$/, '.out.jpg'));
	writeFileSync(out, made.bytes!);
	const id = identify(out);
	expect(id).toMatchObject({ format: 'JPEG', width: 480, height: 640, dpi: 300, units: 'PixelsPerInch' });
	expect(id.bytes).toBeGreaterThanOrEqual(spec.file.minBytes);
	expect(id.bytes).toBeLessThanOrEqual(spec.file.maxBytes);
	// and the server accepts what the phone made
	expect(codes(await recheckUploadedPhoto(made.bytes!, spec, engine))).toEqual([]);
}

describe('zv photo make', () => {
	for (const [dir, file] of anyBackdrop) {
		it(`selfie segmentation: ${file} -> JPEG 480x640, 300 dpi, in the byte window (read by identify)`, async () => {
			const image = await decodeImage(fixture(dir, file));
			const measurement = await engine.measure(image);
			const mask = await createPersonSegmenter(nodeRuntime).segment(image);
			const made = await makePhoto({ image, measurement, spec, encoder: mozjpegEncoder, mask });
			expect(made.measures.segmentation).toBe('selfie-segmentation');
			await expectCompliantOutput(made, `model-${file}`);
		});
	}

	for (const [dir, file] of plainBackdrop) {
		it(`colour region: ${file} -> compliant output`, async () => {
			const image = await decodeImage(fixture(dir, file));
			const made = await makePhoto({
				image,
				measurement: await engine.measure(image),
				spec,
				encoder: mozjpegEncoder
			});
			expect(made.measures.segmentation).toBe('colour-region');
			await expectCompliantOutput(made, `colour-${file}`);
		});
	}

	it('refuses a face cut by the picture edge', async () => {
		const image = await decodeImage(fixture('faces', 'obama_partial_face.jpg'));
		const made = await makePhoto({
			image,
			measurement: await engine.measure(image),
			spec,
			encoder: mozjpegEncoder
		});
		expect(made.bytes).toBeNull();
		expect(codes(made)).toEqual(['FACE_CUT_OFF']);
	});

	it('refuses a head whose hair is cut by the top edge of the source', async () => {
		const image = await decodeImage(fixture('faces', 'rose_leslie_1.jpg'));
		const mask = await createPersonSegmenter(nodeRuntime).segment(image);
		const made = await makePhoto({
			image,
			measurement: await engine.measure(image),
			spec,
			encoder: mozjpegEncoder,
			mask
		});
		expect(made.bytes).toBeNull();
		expect(codes(made)).toEqual(['HEAD_TOO_HIGH']);
	});

	it('refuses low-resolution sources as blurred after upscaling', async () => {
		const image = await decodeImage(fixture('faces', 'lfw_Yao_Ming_2.jpg'));
		const mask = await createPersonSegmenter(nodeRuntime).segment(image);
		const made = await makePhoto({
			image,
			measurement: await engine.measure(image),
			spec,
			encoder: mozjpegEncoder,
			mask
		});
		expect(codes(made)).toContain('IMAGE_BLURRY');
	});

	it('refuses to replace a busy background by colour (street scene) and says why', async () => {
		const image = await decodeImage(fixture('idphotos', 'nonconf_wrong_background_hivision_test1.jpg'));
		const made = await makePhoto({
			image,
			measurement: await engine.measure(image),
			spec,
			encoder: mozjpegEncoder
		});
		expect(made.bytes).toBeNull();
		expect(codes(made)).toEqual(['BACKGROUND_NOT_UNIFORM']);
		// The same words reach the phone app and the CLI: neither may send the candidate to "the phone app".
		expect(made.reasons[0].zh).not.toContain('手机应用');
		expect(made.reasons[0].en).not.toContain('phone app');
	});

	it('refuses a group photo before any processing', async () => {
		const image = await decodeImage(fixture('faces', 'group_two_people.jpg'));
		const made = await makePhoto({
			image,
			measurement: await engine.measure(image),
			spec,
			encoder: mozjpegEncoder
		});
		expect(codes(made)).toEqual(['FACE_MULTIPLE']);
	});
});

describe('face vs ID portrait', () => {
	async function similarity(a: string, b: string) {
		const [ia, ib] = [await decodeImage(a), await decodeImage(b)];
		const [ma, mb] = [await engine.measure(ia), await engine.measure(ib)];
		return {
			image: ia,
			m: ma,
			value: compareFaces(await engine.embed(ia, ma.face!), await engine.embed(ib, mb.face!)).similarity
		};
	}

	it('passes the same person and refuses another with FACE_MISMATCH', async () => {
		const photo = fixture('idphotos', 'blue_bg_man_compliant_480x640.jpg');
		const same = await similarity(photo, fixture('idphotos', 'blue_bg_man_original_358x441.jpg'));
		expect(codes(checkPhotoContent(same.image, same.m, spec, { faceMatch: same.value }))).toEqual([]);
		const other = await similarity(photo, fixture('faces', 'obama_1.jpg'));
		const v = checkPhotoContent(other.image, other.m, spec, { faceMatch: other.value });
		expect(codes(v)).toEqual(['FACE_MISMATCH']);
		expect(v.measures.faceMatch).toBeLessThan(spec.minFaceMatch);
	});
});

describe('server recheck', () => {
	it('accepts the compliant upload and refuses the non-compliant ones', async () => {
		const ok = await recheckUploadedPhoto(
			new Uint8Array(readFileSync(fixture('idphotos', 'blue_bg_man_compliant_480x640.jpg'))),
			spec,
			engine
		);
		expect(codes(ok)).toEqual([]);
		const png = await recheckUploadedPhoto(
			new Uint8Array(readFileSync(fixture('idphotos', 'nonconf_png_format_blue_bg_man.png'))),
			spec,
			engine
		);
		expect(codes(png)).toContain('FILE_NOT_JPEG');
		const two = await recheckUploadedPhoto(
			new Uint8Array(readFileSync(fixture('idphotos', 'nonconf_two_faces_blue_bg.jpg'))),
			spec,
			engine
		);
		expect(codes(two)).toContain('FACE_MULTIPLE');
		const grey = await recheckUploadedPhoto(
			new Uint8Array(readFileSync(fixture('idphotos', 'nonconf_wrong_background_hivision_test3.jpg'))),
			spec,
			engine
		);
		expect(codes(grey)).toContain('BACKGROUND_WRONG_COLOUR');
	});

	it('refuses a truncated JPEG as undecodable', async () => {
		const bytes = new Uint8Array(readFileSync(fixture('idphotos', 'blue_bg_man_compliant_480x640.jpg')));
		const cut = bytes.slice(0, 21000);
		const v = await recheckUploadedPhoto(cut, spec, engine);
		expect(v.ok).toBe(false);
		expect(codes(v)).toContain('FILE_UNREADABLE');
	});
});
