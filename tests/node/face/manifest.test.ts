// The loader must refuse a model whose bytes are not the ones the manifest names (a tampered or swapped file).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const realStatic = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'static');
const tmp = mkdtempSync(join(tmpdir(), 'zv-static-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A private static/ with the staged manifest, where `mutate` may change the manifest or the model bytes. */
async function runtimeWith(
	mutate: (manifest: { files: { id: string; sha256: string }[] }, eyeFile: string) => void
) {
	const dir = mkdtempSync(join(tmp, 'case-'));
	const manifest = JSON.parse(readFileSync(join(realStatic, 'models', 'manifest.json'), 'utf8'));
	mkdirSync(join(dir, 'models', 'face'), { recursive: true });
	const eyeFile = join(dir, 'models', 'face', 'fr_eye.onnx');
	copyFileSync(join(realStatic, 'models', 'face', 'fr_eye.onnx'), eyeFile);
	mutate(manifest, eyeFile);
	writeFileSync(join(dir, 'models', 'manifest.json'), JSON.stringify(manifest));
	vi.resetModules();
	vi.stubEnv('ZV_STATIC_DIR', dir);
	const { nodeRuntime } = await import('../../../src/lib/runtime/node.ts');
	vi.unstubAllEnvs();
	return nodeRuntime;
}

describe('model manifest sha256 check', () => {
	it('loads the eye model when bytes and manifest agree', async () => {
		const rt = await runtimeWith(() => {});
		const s = await rt.load('face.eye');
		expect(s.inputNames).toEqual(['input']);
	});

	it('refuses a manifest entry with a wrong sha256', async () => {
		const rt = await runtimeWith((m) => {
			m.files.find((f) => f.id === 'face.eye')!.sha256 = '0'.repeat(64);
		});
		await expect(async () => rt.load('face.eye')).rejects.toThrow(/sha256 mismatch/);
	});

	it('refuses a model file whose bytes were changed', async () => {
		const rt = await runtimeWith((_m, eyeFile) => {
			const bytes = readFileSync(eyeFile);
			bytes[bytes.length - 1] ^= 0xff;
			writeFileSync(eyeFile, bytes);
		});
		await expect(async () => rt.load('face.eye')).rejects.toThrow(/sha256 mismatch/);
	});
});
