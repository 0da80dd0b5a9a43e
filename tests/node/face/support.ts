// Shared set-up for the face engine's Node tests: one engine over onnxruntime-node, fixture decoding, clip frames.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { createFaceEngine } from '../../../src/lib/core/face/engine.ts';
import type { DetectedFace } from '../../../src/lib/core/face/types.ts';
import type { RgbaImage } from '../../../src/lib/core/image/types.ts';
import type { InferenceRuntime, ModelSession } from '../../../src/lib/core/runtime.ts';
import { nodeRuntime } from '../../../src/lib/runtime/node.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { fixture } from '../../support/fixtures.ts';

export const engine = createFaceEngine(nodeRuntime);

/** A face engine whose face.feature session is built from `model` (every other model: the staged one). */
export function engineWithFeatureModel(model: Uint8Array) {
	const session = ort.InferenceSession.create(model, { graphOptimizationLevel: 'all' });
	const runtime: InferenceRuntime = {
		name: 'onnxruntime-node with a given face.feature',
		tensor: nodeRuntime.tensor,
		load: (id) =>
			id === 'face.feature' ? (session as unknown as Promise<ModelSession>) : nodeRuntime.load(id)
	};
	return createFaceEngine(runtime);
}

/** A manifest entry of models/manifest/face.json: where a staged face model comes from. */
export interface FaceModelEntry {
	id: string;
	package: string;
	version: string;
	from: string;
	sha256: string;
}

/**
 * A face model as its npm package publishes it, from the tarball models/stage.mjs unpacked into .cache/, checked
 * against the manifest's sha256 (the staged file may be transformed: pruned, fp16).
 */
export function publishedModel(id: string): { entry: FaceModelEntry; bytes: Uint8Array } {
	const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
	const entries = JSON.parse(
		readFileSync(join(root, 'models', 'manifest', 'face.json'), 'utf8')
	) as FaceModelEntry[];
	const entry = entries.find((e) => e.id === id);
	if (!entry) throw new Error(`no ${id} in models/manifest/face.json`);
	const bytes = readFileSync(
		join(root, '.cache', 'models', `${entry.package}@${entry.version}`, 'package', entry.from)
	);
	if (createHash('sha256').update(bytes).digest('hex') !== entry.sha256)
		throw new Error(`${entry.from}: sha256 differs from the manifest`);
	return { entry, bytes: new Uint8Array(bytes) };
}

export const face = (...parts: string[]): Promise<RgbaImage> => decodeImage(fixture(...parts));

/** The largest detected face, as the camera loop and the CLI pick it. */
export async function largestFace(img: RgbaImage): Promise<DetectedFace> {
	const faces = await engine.detect(img);
	if (!faces.length) throw new Error('no face');
	return faces.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
}

/** Decodes the given frame indices of a fixture clip (MJPEG or MP4) with ffmpeg. */
export function clipFrames(clip: string, indices: number[]): Promise<RgbaImage[]> {
	const dir = mkdtempSync(join(tmpdir(), 'zv-face-'));
	try {
		const input = fixture('clips', clip);
		const select = indices.map((i) => `eq(n\\,${i})`).join('+');
		const args = [
			'-loglevel',
			'error',
			...(clip.endsWith('.mjpeg') ? ['-f', 'mjpeg'] : []),
			'-i',
			input,
			'-vf',
			`select=${select}`,
			'-vsync',
			'vfr',
			join(dir, 'f_%03d.png')
		];
		const r = spawnSync('ffmpeg', args, { encoding: 'utf8' });
		if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
		const files = readdirSync(dir).sort();
		if (files.length !== indices.length)
			throw new Error(`wanted ${indices.length} frames, got ${files.length}`);
		return Promise.all(files.map((f) => decodeImage(join(dir, f)))).finally(() =>
			rmSync(dir, { recursive: true, force: true })
		);
	} catch (e) {
		rmSync(dir, { recursive: true, force: true });
		throw e;
	}
}

export function mirror(img: RgbaImage): RgbaImage {
	const data = new Uint8ClampedArray(img.data.length);
	for (let y = 0; y < img.height; y++)
		for (let x = 0; x < img.width; x++) {
			const s = (y * img.width + x) * 4;
			data.set(img.data.subarray(s, s + 4), (y * img.width + img.width - 1 - x) * 4);
		}
	return { width: img.width, height: img.height, data };
}
