// The dead-channel pruning applied to face.feature at staging (models/transforms/onnx-prune-dead-channels.mjs,
// before its weights are stored float16: fp16.test.ts): it thins the published model, and the pruned model embeds
// every fixture photo like the published one up to float32 rounding. Also on those photos: the one-pass crops feed the models exactly what
// the generic warp/sample + pack did (models/notes/face.md, "sample() speed").
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import onnxPruneDeadChannels, {
	findDeadChannels
} from '../../../models/transforms/onnx-prune-dead-channels.mjs';
import { alignFace, alignmentInverse } from '../../../src/lib/core/face/align.ts';
import { ANTISPOOF } from '../../../src/lib/core/face/antispoof.ts';
import { contextBox, squareAround } from '../../../src/lib/core/face/geometry.ts';
import { cosineSimilarity } from '../../../src/lib/core/face/match.ts';
import { rgbToChw, sampleRegion } from '../../../src/lib/core/face/sample.ts';
import { bilinearToChw, warpToChw } from '../../../src/lib/core/face/tensor-crops.ts';
import { toChwTensor } from '../../../src/lib/core/image/ops.ts';
import { fixture } from '../../support/fixtures.ts';
import { engine, engineWithModels, face, largestFace, publishedModel } from './support.ts';

const published = publishedModel('face.feature').bytes;
const pruned = onnxPruneDeadChannels(published);

/** Bit-for-bit equality of two float tensors. */
const sameBits = (a: Float32Array, b: Float32Array) =>
	Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const photos = readdirSync(fixture('faces')).filter(
	(f) => /\.(jpe?g|png)$/.test(f) && !f.startsWith('group_')
);

describe('face.feature with its dead channels pruned', () => {
	it('thins 16 blocks of the published model', () => {
		const { chains } = findDeadChannels(published);
		expect(chains.map((c) => `${c.dead.length}/${c.channels}`)).toHaveLength(16);
		expect(chains.reduce((n, c) => n + c.dead.length, 0)).toBe(1114);
		expect(findDeadChannels(pruned).chains).toHaveLength(0);
		expect(pruned.length).toBeLessThan(published.length * 0.8);
	});

	it('embeds every fixture photo like the published model (cosine > 0.9999999)', async () => {
		const [after, before] = [
			engineWithModels({ 'face.feature': pruned }),
			engineWithModels({ 'face.feature': published })
		];
		let minCosine = 1;
		let maxDiff = 0;
		let compared = 0;
		for (const f of photos) {
			compared++;
			const img = await face('faces', f);
			const best = await largestFace(img);
			const [a, b] = [(await after.embed(img, best)).vector, (await before.embed(img, best)).vector];
			minCosine = Math.min(minCosine, cosineSimilarity(a, b));
			for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
		}
		// Measured on the 91 photos: cosine min 1 - 7e-13, largest difference of a unit-vector element 2.0e-7.
		expect(compared, 'fixture photos embedded').toBeGreaterThan(80);
		expect(minCosine).toBeGreaterThan(0.9999999);
		expect(maxDiff).toBeLessThan(1e-6);
	});

	it('gets the same model inputs from the one-pass crops as from the generic path, on real photos', async () => {
		let compared = 0;
		for (const f of photos.slice(0, 40)) {
			const img = await face('faces', f);
			const { box, keypoints } = await engine.withKeypoints(img, await largestFace(img));
			const aligned = toChwTensor(alignFace(img, keypoints), { order: 'bgr', mean: 127, std: 128 });
			expect(sameBits(warpToChw(img, alignmentInverse(keypoints), 112, 'bgr', 127, 128), aligned)).toBe(true);
			const crop = contextBox(
				squareAround(box, Math.max(box.width, box.height)),
				ANTISPOOF.cropScale,
				img.width,
				img.height
			);
			const generic = rgbToChw(sampleRegion(img, crop, 128, 128, 0, 'bilinear'), 'bgr', 0, 1);
			expect(sameBits(bilinearToChw(img, crop, 128, 128, 'bgr', 0, 1), generic)).toBe(true);
			compared++;
		}
		expect(compared).toBe(40);
	});
});
