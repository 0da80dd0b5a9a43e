// Shared set-up for the face engine's Node tests: one engine over onnxruntime-node, fixture decoding, clip frames.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import onnxFp16 from '../../../models/transforms/onnx-fp16.mjs';
import onnxPruneDeadChannels from '../../../models/transforms/onnx-prune-dead-channels.mjs';
import { createFaceEngine } from '../../../src/lib/core/face/engine.ts';
import type { DetectedFace } from '../../../src/lib/core/face/types.ts';
import type { RgbaImage } from '../../../src/lib/core/image/types.ts';
import type { InferenceRuntime, ModelSession } from '../../../src/lib/core/runtime.ts';
import { nodeRuntime } from '../../../src/lib/runtime/node.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { fixture } from '../../support/fixtures.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const engine = createFaceEngine(nodeRuntime);

/** A face engine whose sessions for the given model ids are built from these bytes (every other: the staged one). */
export function engineWithModels(models: Record<string, Uint8Array>) {
	const sessions = new Map(
		Object.entries(models).map(([id, bytes]) => [
			id,
			ort.InferenceSession.create(bytes, {
				graphOptimizationLevel: 'all'
			}) as unknown as Promise<ModelSession>
		])
	);
	const runtime: InferenceRuntime = {
		name: `onnxruntime-node with given ${[...sessions.keys()].join(', ')}`,
		tensor: nodeRuntime.tensor,
		load: (id) => sessions.get(id) ?? nodeRuntime.load(id)
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
	transforms?: string[];
}

function faceManifest(): FaceModelEntry[] {
	const path = join(root, 'models', 'manifest', 'face.json');
	return JSON.parse(readFileSync(path, 'utf8')) as FaceModelEntry[];
}

/** The ids of every face model in models/manifest/face.json. */
export const faceModelIds = faceManifest().map((e) => e.id);

/**
 * A face model as its npm package publishes it, from the tarball models/stage.mjs unpacked into .cache/, checked
 * against the manifest's sha256 (the staged file may be transformed: pruned, fp16).
 */
export function publishedModel(id: string): { entry: FaceModelEntry; bytes: Uint8Array } {
	const entry = faceManifest().find((e) => e.id === id);
	if (!entry) throw new Error(`no ${id} in models/manifest/face.json`);
	const bytes = readFileSync(
		join(root, '.cache', 'models', `${entry.package}@${entry.version}`, 'package', entry.from)
	);
	if (createHash('sha256').update(bytes).digest('hex') !== entry.sha256)
		throw new Error(`${entry.from}: sha256 differs from the manifest`);
	return { entry, bytes: new Uint8Array(bytes) };
}

const TRANSFORMS: Record<string, (bytes: Uint8Array) => Uint8Array> = {
	'onnx-prune-dead-channels': onnxPruneDeadChannels,
	'onnx-fp16': onnxFp16
};

/** The published model through its manifest transforms in order, leaving out those named in `skip`. */
export function transformedModel(id: string, skip: string[] = []): Uint8Array {
	const { entry, bytes } = publishedModel(id);
	return (entry.transforms ?? [])
		.filter((name) => !skip.includes(name))
		.reduce((b, name) => TRANSFORMS[name](b), bytes);
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
