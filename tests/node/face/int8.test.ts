// The int8 staging transform (models/transforms/onnx-int8.mjs) applied to face.feature with its committed
// calibration table: what it produces, how close its embeddings stay to the float model's on the
// match-benchmark photos (which the calibration never saw), and that the phone's runtime (WASM) and the
// server's (onnxruntime-node) compute the same int8 embedding. The manifest does not apply it yet
// (models/notes/face.md, "int8").
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web/wasm';
import { describe, expect, it } from 'vitest';
import onnxInt8, { parseModel } from '../../../models/transforms/onnx-int8.mjs';
import { createFaceEngine } from '../../../src/lib/core/face/engine.ts';
import { cosineSimilarity } from '../../../src/lib/core/face/match.ts';
import { nodeRuntime } from '../../../src/lib/runtime/node.ts';
import { fixture } from '../../support/fixtures.ts';
import { engineWithModels, face, largestFace, publishedModel } from './support.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const { entry, bytes: floatBytes } = publishedModel('face.feature');
const int8Bytes = onnxInt8(floatBytes, entry);

const photos = readdirSync(fixture('faces')).filter(
	(f) => /\.(jpe?g|png)$/.test(f) && !f.startsWith('group_')
);

describe('int8 face.feature (onnx-int8 transform)', () => {
	it('quantizes the 31 pointwise convs of the table and halves the file', () => {
		const { nodes } = parseModel(int8Bytes);
		const weightDq = nodes.filter((n) => n.op === 'DequantizeLinear' && n.inputs[0].endsWith('__int8'));
		expect(weightDq).toHaveLength(31);
		expect(nodes.filter((n) => n.op === 'Conv')).toHaveLength(50);
		expect(int8Bytes.length).toBeLessThan(floatBytes.length * 0.55);
	});

	it('embeds the benchmark photos like the float model (cosine min >= 0.97, median >= 0.99)', async () => {
		const [int8, float] = [
			engineWithModels({ 'face.feature': int8Bytes }),
			engineWithModels({ 'face.feature': floatBytes })
		];
		const cosines: number[] = [];
		for (const f of photos) {
			const img = await face('faces', f);
			const best = await largestFace(img);
			cosines.push(
				cosineSimilarity((await int8.embed(img, best)).vector, (await float.embed(img, best)).vector)
			);
		}
		cosines.sort((a, b) => a - b);
		expect(cosines.length).toBeGreaterThan(80);
		// Measured: min 0.977, median 0.993.
		expect(cosines[0]).toBeGreaterThanOrEqual(0.97);
		expect(cosines[Math.floor(cosines.length / 2)]).toBeGreaterThanOrEqual(0.99);
	});

	it('gives the same int8 embedding in WASM as in onnxruntime-node (7-bit weights: no x86 saturation)', async () => {
		ortWeb.env.wasm.numThreads = 1;
		ortWeb.env.wasm.wasmPaths = join(root, 'static', 'vendor', 'ort') + '/';
		const web = await ortWeb.InferenceSession.create(int8Bytes);
		const node = await ort.InferenceSession.create(int8Bytes);
		const cosines: number[] = [];
		for (const f of photos.slice(0, 12)) {
			// The aligned 112x112 input the engine feeds the model, taken from a recording runtime.
			let input: Float32Array | undefined;
			const recorder = createFaceEngine({
				...nodeRuntime,
				name: 'recorder',
				load: async (id) => {
					if (id !== 'face.feature') return nodeRuntime.load(id);
					return {
						inputNames: ['input'],
						outputNames: ['output'],
						run: async (feeds) => {
							input = Float32Array.from(feeds.input.data as Float32Array);
							return { output: nodeRuntime.tensor('float32', new Float32Array(512), [1, 512]) };
						}
					};
				}
			});
			const img = await face('faces', f);
			await recorder.embed(img, await largestFace(img));
			const dims = [1, 3, 112, 112];
			const a = (await web.run({ input: new ortWeb.Tensor('float32', input!, dims) })).output.data;
			const b = (await node.run({ input: new ort.Tensor('float32', input!, dims) })).output.data;
			cosines.push(cosineSimilarity(a as Float32Array, b as Float32Array));
		}
		cosines.sort((a, b) => a - b);
		// Measured on the 95 benchmark faces: median 1.0000, min 0.993 (8-bit weights: median 0.992).
		expect(cosines[Math.floor(cosines.length / 2)]).toBeGreaterThan(0.999);
		expect(cosines[0]).toBeGreaterThan(0.99);
	});
});
