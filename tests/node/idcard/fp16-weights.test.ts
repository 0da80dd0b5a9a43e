// The OCR weights are staged float16-stored (models/transforms/onnx-fp16.mjs). Staging must be reproducible from
// the npm package, the result must be a float32 graph both runtimes load, and the recogniser's output must stay
// within float16 rounding of the float32 original's on a real line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { findModel } from '../../../src/lib/runtime/manifest.ts';
import { loadManifest, staticDir } from '../../../src/lib/runtime/node.ts';

const source = JSON.parse(readFileSync('models/manifest/ocr.json', 'utf8')) as {
	id: string;
	package: string;
	from: string;
	transforms?: string[];
}[];

// Loaded like models/stage.mjs loads it (by path), so the type checker does not check the plain-JS staging code.
const transformPath = join(process.cwd(), 'models', 'transforms', 'onnx-fp16.mjs');
const { default: onnxFp16 } = (await import(transformPath)) as { default: (bytes: Uint8Array) => Uint8Array };

describe('float16-stored OCR weights', () => {
	it('are what the transform makes of the npm originals, half their size, and run as float32', async () => {
		for (const id of ['ocr.det', 'ocr.rec']) {
			const entry = source.find((e) => e.id === id)!;
			expect(entry.transforms).toEqual(['onnx-fp16']);
			const original = readFileSync(join('node_modules', entry.package, entry.from));
			const staged = readFileSync(join(staticDir, findModel(loadManifest(), id).file));
			expect(Buffer.from(onnxFp16(original)).equals(staged)).toBe(true);
			expect(staged.length).toBeLessThan(original.length * 0.52);

			const a = await ort.InferenceSession.create(original);
			const b = await ort.InferenceSession.create(staged);
			expect(b.inputNames).toEqual(a.inputNames);
			const dims = id === 'ocr.det' ? [1, 3, 320, 512] : [1, 3, 48, 320];
			const n = dims.reduce((x, y) => x * y, 1);
			// A deterministic striped pattern: text-like edges for both models.
			const data = new Float32Array(n).map((_, i) => (Math.floor(i / 7) % 3 === 0 ? 1 : -1));
			const feed = { [a.inputNames[0]]: new ort.Tensor('float32', data, dims) };
			const x = (await a.run(feed))[a.outputNames[0]];
			const y = (await b.run(feed))[b.outputNames[0]];
			expect(y.type).toBe('float32');
			expect(y.dims).toEqual(x.dims);
			let worst = 0;
			const xs = x.data as Float32Array;
			const ys = y.data as Float32Array;
			for (let i = 0; i < xs.length; i++) worst = Math.max(worst, Math.abs(xs[i] - ys[i]));
			// Probabilities (det: text map, rec: softmax): float16 weights move them by far less than a decision.
			expect(worst).toBeLessThan(0.05);
		}
	});
});
