// ID portrait vs selfie, end to end: a real face printed (small, grey, washed out) on a generated card,
// photographed, located, rectified, cropped by the reader, then matched by the face engine.
import { describe, expect, it } from 'vitest';
import { createFaceEngine, compareFaces } from '../../../src/lib/core/face/engine.ts';
import type { RgbaImage } from '../../../src/lib/core/image/types.ts';
import { nodeRuntime } from '../../../src/lib/runtime/node.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { fixture } from '../../support/fixtures.ts';
import { generateCard } from '../../support/idcard/generate.ts';
import { idCardReader } from '../../support/idcard/reader.ts';

const engine = createFaceEngine(nodeRuntime);

async function embedLargest(img: RgbaImage) {
	const faces = await engine.detect(img);
	expect(faces.length).toBeGreaterThan(0);
	const face = faces.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
	return engine.embed(img, await engine.withKeypoints(img, face));
}

describe('ID portrait vs selfie', () => {
	it('matches the same person and not another', async () => {
		const card = await generateCard({
			seed: 71,
			side: 'portrait',
			face: fixture('faces', 'lfw_Yao_Ming_1.jpg'),
			degrade: { fill: 0.75, rotate: -3, jpegQuality: 70 },
			write: false
		});
		const r = await idCardReader.read(await decodeImage(card.bytes), { today: '2026-11-25' });
		expect(r.portrait).not.toBeNull();
		const portrait = await embedLargest(r.portrait as RgbaImage);
		const same = await embedLargest(await decodeImage(fixture('faces', 'lfw_Yao_Ming_2.jpg')));
		const other = await embedLargest(await decodeImage(fixture('faces', 'lfw_Zhu_Rongji_1.jpg')));
		const a = compareFaces(portrait, same);
		const b = compareFaces(portrait, other);
		expect(b.match).toBe(false);
		expect(a.similarity).toBeGreaterThan(b.similarity);
		expect(a.match).toBe(true);
	});
});
