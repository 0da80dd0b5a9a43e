// Bundles the bench worker with esbuild, serves it with static/ (models, ORT wasm) and the fixtures from a loopback
// server with cross-origin isolation headers, and runs it in Debian's headless Chromium through Playwright.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright';
import type { FaceMeasurement } from '../../../src/lib/core/face/types.ts';
import { fixturesDir } from '../../support/fixtures.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..', '..');
const require = createRequire(import.meta.url);
const types: Record<string, string> = {
	'.js': 'text/javascript',
	'.mjs': 'text/javascript',
	'.wasm': 'application/wasm',
	'.json': 'application/json',
	'.onnx': 'application/octet-stream',
	'.jpg': 'image/jpeg',
	'.png': 'image/png',
	'.html': 'text/html'
};

export interface ChromiumPhotoBench {
	ok: boolean;
	error?: string;
	loadMs?: number;
	threads?: number;
	rows?: {
		file: string;
		warm: boolean;
		ok: boolean;
		reasons: string[];
		measureMs: number;
		segmentMs: number;
		makeMs: number;
		totalMs: number;
		encoders: {
			encoder: string;
			bytes: number;
			quality: number;
			attempts: number;
			ssim: number;
			ms: number;
		}[];
	}[];
}

export interface WorkerSmoke {
	file: string;
	init: { model: string; ms: number };
	ok: boolean;
	reasons: string[];
	bytes: number | null;
	segmentation: unknown;
	encoder: unknown;
	ms: number;
}

/**
 * `smoke`: one fixture and Node's face measurement of it, run through the shipped workers/photo.worker.ts over
 * comlink (init + make), so the worker itself, not only the core it wraps, is exercised in Chromium.
 */
export async function runChromiumPhotoBench(
	files: [string, string][],
	smoke?: { file: [string, string]; measurement: FaceMeasurement }
): Promise<ChromiumPhotoBench & { worker?: WorkerSmoke | { error: string } }> {
	const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
	if (!existsSync(executablePath)) return { ok: false, error: `no Chromium at ${executablePath}` };
	const wasmPath = join(
		dirname(require.resolve('@jsquash/jpeg/package.json')),
		'codec',
		'enc',
		'mozjpeg_enc.wasm'
	);
	const bundle = async (entry: string) =>
		(
			await build({
				entryPoints: [entry],
				bundle: true,
				format: 'esm',
				platform: 'browser',
				target: 'es2022',
				write: false,
				logLevel: 'silent',
				plugins: [
					{
						// Vite's `?url` imports: point at a path this server answers.
						name: 'vite-url',
						setup(b) {
							b.onResolve({ filter: /\?url$/ }, (a) => ({ path: a.path, namespace: 'url' }));
							b.onLoad({ filter: /.*/, namespace: 'url' }, (a) => ({
								contents: `export default ${JSON.stringify('/bench-assets/' + basename(a.path.replace(/\?url$/, '')))}`,
								loader: 'js'
							}));
						}
					}
				]
			})
		).outputFiles[0].contents;
	const workerJs = await bundle(join(here, 'worker.ts'));
	const photoWorkerJs = await bundle(join(root, 'workers', 'photo.worker.ts'));
	const pageJs = await bundle(join(here, 'page.ts'));
	const server = createServer((req, res) => {
		const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
		let body: Uint8Array | string | null = null;
		if (path === '/')
			body =
				'<!doctype html><meta charset="utf-8"><title>photo bench</title><script type="module" src="/bench/page.js"></script>';
		else if (path === '/bench/worker.js') body = workerJs;
		else if (path === '/bench/photo.worker.js') body = photoWorkerJs;
		else if (path === '/bench/page.js') body = pageJs;
		else if (path === '/bench-assets/mozjpeg_enc.wasm') body = readFileSync(wasmPath);
		else if (path.startsWith('/fixtures/')) {
			const file = resolve(fixturesDir, '.' + path.slice('/fixtures'.length));
			if (file.startsWith(fixturesDir) && existsSync(file)) body = readFileSync(file);
		} else {
			const file = resolve(root, 'static', '.' + path);
			if (file.startsWith(join(root, 'static')) && existsSync(file)) body = readFileSync(file);
		}
		res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
		res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
		if (body === null) {
			res.statusCode = 404;
			res.end();
			return;
		}
		res.setHeader(
			'Content-Type',
			types[path === '/' ? '.html' : extname(path)] ?? 'application/octet-stream'
		);
		res.end(body);
	});
	await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	const port = (server.address() as AddressInfo).port;
	const browser = await chromium.launch({
		executablePath,
		args: ['--no-sandbox', '--disable-background-networking']
	});
	try {
		const page = await browser.newPage();
		await page.goto(`http://127.0.0.1:${port}/`);
		await page.waitForFunction(() => 'runPhotoWorker' in globalThis);
		let worker: WorkerSmoke | { error: string } | undefined;
		if (smoke) {
			const url = `/fixtures/${smoke.file[0]}/${smoke.file[1]}`;
			worker = await page
				.evaluate(
					([u, m]) =>
						(
							globalThis as unknown as { runPhotoWorker: (u: string, m: unknown) => Promise<WorkerSmoke> }
						).runPhotoWorker(u as string, m),
					[url, smoke.measurement] as const
				)
				.then(
					(r) => ({ ...r, file: smoke.file[1] }),
					(e: Error) => ({ error: e.message })
				);
		}
		const urls = files.map(([dir, file]) => `/fixtures/${dir}/${file}`);
		const result = (await page.evaluate(
			(list) =>
				new Promise((done) => {
					const worker = new Worker('/bench/worker.js', { type: 'module' });
					worker.onmessage = (e) => done(e.data);
					worker.onerror = (e) => done({ ok: false, error: e.message });
					worker.postMessage({ files: list });
				}),
			urls
		)) as ChromiumPhotoBench;
		return { ...result, worker };
	} finally {
		await browser.close();
		server.close();
	}
}
