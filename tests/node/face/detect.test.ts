import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createFaceEngine } from '../../../src/lib/core/face/engine.ts';
import { nodeRuntime } from '../../../src/lib/runtime/node.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { fixture } from '../../support/fixtures.ts';
import { engine, face } from './support.ts';

// Face photos whose background holds other (partial) people, so more than one face is a right answer.
const crowdedBackground = [
	'lfw_Jackie_Chan_1.jpg',
	'lfw_Li_Peng_2.jpg',
	'lfw_Li_Peng_3.jpg',
	'lfw_Zhu_Rongji_3.jpg'
];

describe('face detection (fr_detect) on fixtures', () => {
	const singles = readdirSync(fixture('faces')).filter(
		(f) => /\.(jpe?g|png)$/.test(f) && !f.startsWith('group_') && !crowdedBackground.includes(f)
	);

	it('finds exactly one face in every single-person photo, including ~150 px crops and small faces', async () => {
		const wrong: string[] = [];
		for (const f of singles) {
			const faces = await engine.detect(await face('faces', f));
			if (faces.length !== 1) wrong.push(`${f}: ${faces.length}`);
		}
		expect(singles.length).toBeGreaterThan(80);
		expect(wrong).toEqual([]);
	});

	it.each([
		['group_two_people.jpg', 2],
		['group_kit_with_rose.jpg', 2],
		['group_obama_and_biden.jpg', 3],
		['group_bbt_1.jpg', 4]
	])('counts every face in %s', async (f, n) => {
		expect(await engine.detect(await face('faces', f))).toHaveLength(n);
	});

	it.each([
		['idcards', 'specimen_airobot_portrait_side_bw.jpg'],
		['idcards', 'template_blank_portrait_side.jpg'],
		['idphotos', 'nonconf_no_face_plain_blue.jpg']
	])('finds no face in %s/%s', async (dir, f) => {
		expect(await engine.detect(await face(dir, f))).toHaveLength(0);
	});

	it('places boxes on the face: landmarks fall inside the box and eyes above the mouth', async () => {
		const img = await face('faces', 'obama_1.jpg');
		const m = await engine.measure(img);
		expect(m.faceCount).toBe(1);
		const { box, keypoints } = m.face!;
		for (const p of keypoints!) {
			expect(p.x).toBeGreaterThan(box.x);
			expect(p.x).toBeLessThan(box.x + box.width);
		}
		const [le, re, nose, lm, rm] = keypoints!;
		expect(le.x).toBeLessThan(re.x);
		expect(Math.max(le.y, re.y)).toBeLessThan(nose.y);
		expect(nose.y).toBeLessThan(Math.min(lm.y, rm.y));
		expect(m.landmarks).toHaveLength(68);
	});

	it('finds tight, grey, washed-out ID-portrait-like crops by retrying with a border', async () => {
		const noRetry = createFaceEngine(nodeRuntime, { retryWithMargin: false });
		let foundWithout = 0;
		let foundWith = 0;
		const crops = [
			'bbt_amy_4.png',
			'bbt_bernadette_1.png',
			'bbt_leonard_5.png',
			'bbt_raj_3.png',
			'bbt_penny_3.png'
		];
		for (const f of crops) {
			const { data, info } = await sharp(fixture('faces', f))
				.grayscale()
				.linear(0.6, 80)
				.resize({ width: 90 })
				.jpeg({ quality: 50 })
				.toBuffer({ resolveWithObject: true });
			const img = await decodeImage(data);
			expect(info.width).toBe(90);
			if ((await noRetry.detect(img)).length > 0) foundWithout++;
			if ((await engine.detect(img)).length > 0) foundWith++;
		}
		expect(foundWith).toBe(crops.length);
		expect(foundWithout).toBeLessThan(crops.length);
	});
});
