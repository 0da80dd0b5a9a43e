// Shared set-up for the face engine's Node tests: one engine over onnxruntime-node, fixture decoding, clip frames.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFaceEngine } from '../../../src/lib/core/face/engine.ts';
import type { DetectedFace } from '../../../src/lib/core/face/types.ts';
import type { RgbaImage } from '../../../src/lib/core/image/types.ts';
import { nodeRuntime } from '../../../src/lib/runtime/node.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { fixture } from '../../support/fixtures.ts';

export const engine = createFaceEngine(nodeRuntime);

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
