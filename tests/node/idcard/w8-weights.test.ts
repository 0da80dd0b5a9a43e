// The OCR weights are staged 8-bit-stored (models/transforms/onnx-int8-weights.mjs). Staging must be reproducible
// from the npm package, the result must be a float32 graph onnxruntime loads, and on the tensors the reader feeds
// the models from real card photos, the outputs must stay close to the float32 originals' and read the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECT } from '../../../src/lib/core/idcard/ocr/detect.ts';
import { createIdCardReader } from '../../../src/lib/core/idcard/reader.ts';
import type { InferenceRuntime, TensorLike } from '../../../src/lib/core/runtime.ts';
import { findModel } from '../../../src/lib/runtime/manifest.ts';
import { loadManifest, nodeRuntime, readStagedFile, staticDir } from '../../../src/lib/runtime/node.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { generateCard } from '../../support/idcard/generate.ts';
import { ocrManifest, originalModel, originalsRuntime } from '../../support/idcard/originals.ts';

// Loaded like models/stage.mjs loads it (by path), so the type checker does not check the plain-JS staging code.
const transformPath = join(process.cwd(), 'models', 'transforms', 'onnx-int8-weights.mjs');
const { default: onnxInt8Weights } = (await import(transformPath)) as {
	default: (bytes: Uint8Array) => Uint8Array;
};

const today = '2026-11-25';
const dictionary = new TextDecoder().decode(readStagedFile('ocr.keys').bytes);

/** The staged runtime, keeping every feed the reader gives the OCR models. */
function recordingRuntime(feeds: Map<string, Record<string, TensorLike>[]>): InferenceRuntime {
	return {
		...nodeRuntime,
		async load(id) {
			const session = await nodeRuntime.load(id);
			return {
				inputNames: session.inputNames,
				outputNames: session.outputNames,
				run(feed) {
					feeds.set(id, [...(feeds.get(id) ?? []), feed]);
					return session.run(feed);
				}
			};
		}
	};
}

/** Index of the largest value in each row of `width` values. */
function argmaxRows(data: Float32Array, width: number): number[] {
	const out: number[] = [];
	for (let r = 0; r < data.length / width; r++) {
		let best = 0;
		for (let k = 1; k < width; k++) if (data[r * width + k] > data[r * width + best]) best = k;
		out.push(best);
	}
	return out;
}

describe('8-bit-stored OCR weights', () => {
	it('are what the transform makes of the npm originals, under 30 % of their size', () => {
		for (const id of ['ocr.det', 'ocr.rec']) {
			const entry = ocrManifest().find((e) => e.id === id)!;
			expect(entry.transforms).toEqual(['onnx-int8-weights']);
			const original = originalModel(entry);
			const staged = readFileSync(join(staticDir, findModel(loadManifest(), id).file));
			expect(Buffer.from(onnxInt8Weights(original)).equals(staged)).toBe(true);
			expect(staged.length).toBeLessThan(original.length * 0.3);
		}
	});

	it('read generated cards like the float32 originals, with outputs close on the same inputs', async () => {
		const feeds = new Map<string, Record<string, TensorLike>[]>();
		const staged = createIdCardReader({
			runtime: recordingRuntime(feeds),
			dictionary,
			regions: nodeRegionTable()
		});
		const originals = createIdCardReader({
			runtime: originalsRuntime(),
			dictionary,
			regions: nodeRegionTable()
		});
		for (const seed of [31, 32]) {
			for (const side of ['portrait', 'emblem'] as const) {
				const card = await generateCard({ seed, side, degrade: 'random', write: false });
				const image = await decodeImage(card.bytes);
				const [a, b] = [
					await staged.read(image, { today, side }),
					await originals.read(image, { today, side })
				];
				expect(a.fields).toEqual(b.fields);
				expect(a.lines.map((l) => l.text)).toEqual(b.lines.map((l) => l.text));
			}
		}

		const fp32 = originalsRuntime();
		for (const id of ['ocr.det', 'ocr.rec']) {
			const [w8, f32] = [await nodeRuntime.load(id), await fp32.load(id)];
			const runs = feeds.get(id) ?? [];
			expect(runs.length).toBeGreaterThan(0);
			let values = 0;
			let units = 0;
			let sumDiff = 0;
			let changed = 0;
			for (const feed of runs) {
				const x = (await f32.run(feed))[f32.outputNames[0]];
				const y = (await w8.run(feed))[w8.outputNames[0]];
				expect(y.dims).toEqual(x.dims);
				const [xs, ys] = [x.data as Float32Array, y.data as Float32Array];
				values += xs.length;
				units += id === 'ocr.det' ? xs.length : xs.length / x.dims.at(-1)!;
				for (let i = 0; i < xs.length; i++) sumDiff += Math.abs(xs[i] - ys[i]);
				if (id === 'ocr.det') {
					// A pixel changes the detector's boxes only by crossing the text threshold.
					const t = DEFAULT_DETECT.threshold;
					for (let i = 0; i < xs.length; i++) changed += Number(xs[i] > t !== ys[i] > t);
				} else {
					// A CTC step changes the text only when its most likely class does.
					const classes = x.dims.at(-1)!;
					const [ax, ay] = [argmaxRows(xs, classes), argmaxRows(ys, classes)];
					changed += ax.filter((k, i) => k !== ay[i]).length;
				}
			}
			// Room above 8-bit rounding (models/notes/ocr.md), far below what a wrong scale or axis does.
			expect(sumDiff / values).toBeLessThan(id === 'ocr.det' ? 0.005 : 1e-4);
			expect(changed / units).toBeLessThan(id === 'ocr.det' ? 0.005 : 0.02);
		}
	});
});
