// Every face model but the detector is staged with float16-stored weights (models/transforms/onnx-fp16.mjs, last
// of its manifest transforms). Staging must be reproducible from the published models, and each model must still
// decide like its float32 version on the fixtures: the same embedding up to float16 rounding, the same anti-spoof and eye verdicts
// (models/notes/face.md, "fp16 weights").
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANTISPOOF } from '../../../src/lib/core/face/antispoof.ts';
import { cosineSimilarity } from '../../../src/lib/core/face/match.ts';
import { readStagedFile } from '../../../src/lib/runtime/node.ts';
import { fixture } from '../../support/fixtures.ts';
import {
	engine,
	engineWithModels,
	face,
	faceModelIds,
	largestFace,
	publishedModel,
	transformedModel
} from './support.ts';

const float32 = engineWithModels(
	Object.fromEntries(faceModelIds.map((id) => [id, transformedModel(id, ['onnx-fp16'])]))
);

const photos = readdirSync(fixture('faces')).filter(
	(f) => /\.(jpe?g|png)$/.test(f) && !f.startsWith('group_')
);

describe('float16-stored face models', () => {
	it('are what the manifest transforms make of the published models, about half their size', () => {
		const fp16 = faceModelIds.filter((id) => publishedModel(id).entry.transforms?.at(-1) === 'onnx-fp16');
		// The detector stays float32: float16 weights turned a moving-print attack into a passed blink.
		expect(fp16.sort()).toEqual(['face.antispoof', 'face.eye', 'face.feature', 'face.landmark', 'face.pose']);
		for (const id of faceModelIds) {
			const staged = readStagedFile(id).bytes;
			expect(Buffer.compare(Buffer.from(transformedModel(id)), staged)).toBe(0);
			if (fp16.includes(id))
				expect(staged.length).toBeLessThan(transformedModel(id, ['onnx-fp16']).length * 0.55);
		}
	});

	it('embed, see eyes and judge anti-spoof on every fixture photo like the float32 models', async () => {
		const cosines: number[] = [];
		let worstEye = 0;
		let worstLive = 0;
		for (const f of photos) {
			const img = await face('faces', f);
			// One detection and one set of keypoints for both, so only the model under test differs.
			const best = await engine.withKeypoints(img, await largestFace(img));
			const [a, b] = [(await engine.embed(img, best)).vector, (await float32.embed(img, best)).vector];
			cosines.push(cosineSimilarity(a, b));
			const points = await float32.landmarks(img, best);
			const [e16, e32] = [await engine.eyes(img, points), await float32.eyes(img, points)];
			worstEye = Math.max(worstEye, Math.abs(e16.left - e32.left), Math.abs(e16.right - e32.right));
			const [l16, l32] = [await engine.liveness(img, best), await float32.liveness(img, best)];
			worstLive = Math.max(worstLive, Math.abs(l16 - l32));
			expect(l16 >= ANTISPOOF.threshold, f).toBe(l32 >= ANTISPOOF.threshold);
		}
		cosines.sort((x, y) => x - y);
		expect(cosines.length).toBeGreaterThan(80);
		// Measured on the 91 photos: cosine min 0.999997, eye openness within 0.0022, live probability within 0.0026.
		expect(cosines[0]).toBeGreaterThan(0.99999);
		expect(worstEye).toBeLessThan(0.01);
		expect(worstLive).toBeLessThan(0.01);
	});
});
