// Distinct people for the server bench: each identity of the face fixtures (file name before _N) whose picture the
// phone's photo pipeline turns into a compliant registration photo for a province, with another picture of the
// same person (or the same one when there is only one) as the reference photo the registration system sends. Made
// with the phone's own code (face engine, selfie segmentation, MozJPEG) and re-checked as the server re-checks an
// upload; cached in bench/out/people/<province>.json (bench/out is not committed) since making them takes a while.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { resolvePolicy } from '../../src/lib/core/policy/resolve.ts';
import { makePhoto } from '../../src/lib/core/photo/pipeline.ts';
import { recheckUploadedPhoto } from '../../src/lib/core/photo/recheck.ts';
import { createPersonSegmenter } from '../../src/lib/core/photo/segment-model.ts';
import { decodeImage } from '../../src/lib/runtime/node-image.ts';
import { mozjpegEncoder } from '../../src/lib/runtime/node-photo.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import { fixture } from '../support/fixtures.ts';

export interface BenchPerson {
	/** The identity (fixture file name before _N). */
	name: string;
	/** The compliant registration photo (JPEG) the phone uploads. */
	photo: Uint8Array;
	/** The reference photo as the registration API takes it. */
	referencePhoto: { source: 'previous_registration'; jpeg: string };
}

/** Group pictures, crops and down-scaled copies are not people of their own. */
const NOT_A_PERSON = /^(group_|astronaut)|_(240p|small|partial_face)\./;
const identityOf = (file: string) => file.replace(/_[^_]+$/, '');

export async function benchPeople(province: string): Promise<BenchPerson[]> {
	const cache = join('bench', 'out', 'people', `${province}.json`);
	if (existsSync(cache)) {
		const stored = JSON.parse(readFileSync(cache, 'utf8')) as {
			name: string;
			photo: string;
			reference: string;
		}[];
		return stored.map((p) => ({
			name: p.name,
			photo: new Uint8Array(Buffer.from(p.photo, 'base64')),
			referencePhoto: { source: 'previous_registration', jpeg: p.reference }
		}));
	}
	const spec = resolvePolicy(province).photoSpec;
	if (!spec) throw new Error(`${province} takes no photo`);
	const engine = createFaceEngine(nodeRuntime);
	const segmenter = createPersonSegmenter(nodeRuntime);
	const dir = fixture('faces');
	const byIdentity = new Map<string, string[]>();
	for (const file of readdirSync(dir).sort()) {
		if (!/\.(jpe?g|png)$/i.test(file) || NOT_A_PERSON.test(file)) continue;
		const id = identityOf(file);
		byIdentity.set(id, [...(byIdentity.get(id) ?? []), file]);
	}
	// The man of the compliant ID-photo fixture is one more person.
	const people: { name: string; photo: Uint8Array; reference: Buffer }[] = [
		{
			name: 'blue_bg_man',
			photo: new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg'))),
			reference: readFileSync(fixture('idphotos/blue_bg_man_original_358x441.jpg'))
		}
	];
	for (const [name, files] of byIdentity) {
		for (const file of files) {
			const image = await decodeImage(join(dir, file));
			const measurement = await engine.measure(image);
			if (measurement.faceCount !== 1) continue;
			const mask = await segmenter.segment(image);
			const made = await makePhoto({ image, measurement, spec, encoder: mozjpegEncoder, mask });
			if (!made.ok || !made.bytes) continue;
			if (!(await recheckUploadedPhoto(made.bytes, spec, engine)).ok) continue;
			// Another picture of the person with exactly one face, as the registration API requires; else this one.
			let reference: Buffer | null = null;
			for (const other of [...files.filter((f) => f !== file), file]) {
				const jpeg = await sharp(join(dir, other)).rotate().jpeg({ quality: 90 }).toBuffer();
				if ((await engine.measure(await decodeImage(new Uint8Array(jpeg)))).faceCount !== 1) continue;
				reference = jpeg;
				break;
			}
			if (!reference) continue;
			people.push({ name, photo: made.bytes, reference });
			break;
		}
	}
	mkdirSync(join('bench', 'out', 'people'), { recursive: true });
	writeFileSync(
		cache,
		JSON.stringify(
			people.map((p) => ({
				name: p.name,
				photo: Buffer.from(p.photo).toString('base64'),
				reference: p.reference.toString('base64')
			}))
		)
	);
	return benchPeople(province);
}

if (process.argv[1]?.endsWith('people.ts')) {
	for (const province of process.argv.slice(2)) {
		const people = await benchPeople(province);
		console.log(`${province}: ${people.length} people: ${people.map((p) => p.name).join(', ')}`);
	}
}
