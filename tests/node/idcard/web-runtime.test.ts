// The same reader over the browser runtime (onnxruntime-web WASM, as in workers/ocr.worker.ts) run in Node:
// it must read what onnxruntime-node reads, so the phone and the server's re-check agree.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createIdCardReader } from '../../../src/lib/core/idcard/reader.ts';
import { nodeRegionTable } from '../../../src/lib/runtime/node-regions.ts';
import { createWebRuntime } from '../../../src/lib/runtime/web-ort.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { generateCard } from '../../support/idcard/generate.ts';
import { idCardReader } from '../../support/idcard/reader.ts';

const staticDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'), 'static');

const serveStatic = (async (input: string | URL | Request) =>
	new Response(new Uint8Array(readFileSync(join(staticDir, String(input)))))) as typeof fetch;

describe('ID card reader on onnxruntime-web', () => {
	it('reads a photographed card exactly like onnxruntime-node', async () => {
		const runtime = createWebRuntime({
			fetch: serveStatic,
			numThreads: 1,
			wasmPrefix: join(staticDir, 'vendor', 'ort') + '/'
		});
		const dictionary = new TextDecoder().decode(await runtime.fetchVerified('ocr.keys'));
		const web = createIdCardReader({ runtime, dictionary, regions: nodeRegionTable() });
		const card = await generateCard({
			seed: 81,
			side: 'portrait',
			degrade: { fill: 0.7, rotate: 5, jpegQuality: 60 },
			write: false
		});
		const image = await decodeImage(card.bytes);
		const [w, n] = [
			await web.read(image, { today: '2026-11-25' }),
			await idCardReader.read(image, { today: '2026-11-25' })
		];
		expect(w.fields.idNumber).toBe(card.identity.idNumber);
		expect(w.fields).toEqual(n.fields);
		expect(w.lines.map((l) => l.text)).toEqual(n.lines.map((l) => l.text));
	});
});
