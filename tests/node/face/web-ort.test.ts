// The browser runtime (onnxruntime-web WASM) run in Node over a fetch that serves static/: same manifest, same
// sha256 checks, same numbers as onnxruntime-node, so the phone computes what the server re-checks.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareFaces, createFaceEngine } from '../../../src/lib/core/face/engine.ts';
import { createWebRuntime } from '../../../src/lib/runtime/web-ort.ts';
import { engine as nodeEngine, face } from './support.ts';

const staticDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'), 'static');
const wasmPrefix = join(staticDir, 'vendor', 'ort') + '/';

function serveStatic(tamper?: (path: string, bytes: Uint8Array) => void): typeof fetch {
	return (async (input: string | URL | Request) => {
		const path = String(input);
		const bytes = new Uint8Array(readFileSync(join(staticDir, path)));
		tamper?.(path, bytes);
		return new Response(bytes);
	}) as typeof fetch;
}

describe('web-ort runtime (onnxruntime-web) in Node', () => {
	it('measures and embeds like onnxruntime-node and reports download progress up to the total', async () => {
		const progress: [number, number, string][] = [];
		const runtime = createWebRuntime({
			fetch: serveStatic(),
			numThreads: 1,
			wasmPrefix,
			onProgress: (loaded, total, id) => progress.push([loaded, total, id])
		});
		expect(runtime.name).toBe('onnxruntime-web@1.30.0');
		const web = createFaceEngine(runtime);
		const img = await face('faces', 'obama_2.jpg');
		const [mw, mn] = [await web.measure(img), await nodeEngine.measure(img)];
		expect(mw.faceCount).toBe(mn.faceCount);
		expect(mw.face!.box.x).toBeCloseTo(mn.face!.box.x, 1);
		expect(mw.pose!.yaw).toBeCloseTo(mn.pose!.yaw, 1);
		const sim = compareFaces(await web.embed(img, mw.face!), await nodeEngine.embed(img, mn.face!));
		expect(sim.similarity).toBeGreaterThan(0.999);
		const [loaded, total] = progress.at(-1)!;
		expect(loaded).toBe(total);
		expect(new Set(progress.map((p) => p[2]))).toContain('ort.wasm');
		expect(new Set(progress.map((p) => p[2]))).toContain('face.feature');
	});

	it('refuses a model whose downloaded bytes differ from the manifest', async () => {
		const runtime = createWebRuntime({
			fetch: serveStatic((path, bytes) => {
				if (path.endsWith('fr_eye.onnx')) bytes[100] ^= 0xff;
			}),
			numThreads: 1,
			wasmPrefix
		});
		await expect(runtime.load('face.eye')).rejects.toThrow(/sha256 mismatch/);
		await expect(runtime.fetchVerified('face.landmark')).resolves.toHaveLength(
			(await runtime.manifest()).files.find((f) => f.id === 'face.landmark')!.size
		);
	});
});
