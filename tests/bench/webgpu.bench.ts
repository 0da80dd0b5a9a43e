// The face models on onnxruntime-web's WebGPU provider against its WASM one, in Debian's Chromium on the software
// adapter (SwiftShader): the largest difference of any output and the cosine of each output vector (the WebGPU path
// must give the decisions the WASM one gives), and ms per run for both (SwiftShader's speed says nothing of a phone's
// GPU). Each model's input is a fixture face photo resized to the model's input and scaled to [-1, 1], the same for
// both providers.
//   npx tsx tests/bench/webgpu.bench.ts → bench/out/webgpu.json
import { chromium } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { CHROMIUM_BASE_ARGS, chromiumPath } from '../e2e/support/chromium.ts';
import { fixture } from '../support/fixtures.ts';
import { printTable } from './table.ts';

const root = resolve(import.meta.dirname, '..', '..');
const PORT = Number(process.env.ZV_BENCH_PORT ?? 3792);
const RUNS = Number(process.env.ZV_BENCH_RUNS ?? 3);
const MODELS = ['face.detect', 'face.landmark', 'face.eye', 'face.pose', 'face.feature', 'face.antispoof'];
const ortDist = join(root, 'node_modules', 'onnxruntime-web', 'dist');

const manifest = JSON.parse(readFileSync(join(root, 'static', 'models', 'manifest.json'), 'utf8')) as {
	files: { id: string; file: string }[];
};
const FACE_PHOTO = fixture('idphotos', 'blue_bg_man_compliant_480x640.jpg');

/** The fixture photo as a planar [1, channels, height, width] tensor in [-1, 1] (grey for one channel). */
async function photoTensor(dims: number[]): Promise<number[]> {
	const [, channels, height, width] = dims;
	let image = sharp(FACE_PHOTO).resize(width, height, { fit: 'fill' }).removeAlpha();
	if (channels === 1) image = image.greyscale();
	const raw = await image.raw().toBuffer();
	const planar: number[] = new Array(channels * height * width);
	for (let c = 0; c < channels; c++)
		for (let i = 0; i < height * width; i++)
			planar[c * height * width + i] = (raw[i * channels + c] - 127.5) / 128;
	return planar;
}

const fileOf = (id: string) => manifest.files.find((f) => f.id === id)!.file.replace(/^\//, '');

const PAGE = `<!doctype html><script type="module">
window.inputShape = async (file) => {
	const cpu = await import('/ort/ort.wasm.min.mjs');
	cpu.env.wasm.numThreads = 1; cpu.env.wasm.wasmPaths = '/ort/';
	const s = await cpu.InferenceSession.create(new Uint8Array(await (await fetch('/' + file)).arrayBuffer()));
	return s.inputMetadata[0].shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
};
window.compare = async (file, runs, pixels) => {
	const gpu = await import('/ort/ort.webgpu.min.mjs');
	const cpu = await import('/ort/ort.wasm.min.mjs');
	for (const o of [gpu, cpu]) { o.env.wasm.numThreads = 1; o.env.wasm.wasmPaths = '/ort/'; }
	const bytes = new Uint8Array(await (await fetch('/' + file)).arrayBuffer());
	const sg = await gpu.InferenceSession.create(bytes, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' });
	const sc = await cpu.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
	const dims = sc.inputMetadata[0].shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
	const data = Float32Array.from(pixels);
	const feed = (o, s) => ({ [s.inputNames[0]]: new o.Tensor('float32', data, dims) });
	const time = async (o, s) => { await s.run(feed(o, s)); const t = performance.now(); let r; for (let i = 0; i < runs; i++) r = await s.run(feed(o, s)); return { ms: (performance.now() - t) / runs, r }; };
	const g = await time(gpu, sg), c = await time(cpu, sc);
	let maxAbs = 0, minCos = 1;
	for (const k of sc.outputNames) {
		const x = g.r[k].data, y = c.r[k].data; let dot = 0, nx = 0, ny = 0;
		for (let i = 0; i < y.length; i++) { maxAbs = Math.max(maxAbs, Math.abs(x[i] - y[i])); dot += x[i] * y[i]; nx += x[i] * x[i]; ny += y[i] * y[i]; }
		minCos = Math.min(minCos, dot / Math.sqrt(nx * ny));
	}
	return { maxAbs, minCos, webgpuMs: g.ms, wasmMs: c.ms };
};
</script>`;

const types: Record<string, string> = {
	mjs: 'text/javascript',
	wasm: 'application/wasm',
	onnx: 'application/octet-stream'
};
const server = createServer((req, res) => {
	const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
	if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
	const file = path.startsWith('/ort/') ? join(ortDist, path.slice(5)) : join(root, 'static', path);
	try {
		const body = readFileSync(file);
		res
			.writeHead(200, { 'content-type': types[file.split('.').pop()!] ?? 'application/octet-stream' })
			.end(body);
	} catch {
		res.writeHead(404).end();
	}
}).listen(PORT);

const browser = await chromium.launch({
	executablePath: chromiumPath,
	args: [...CHROMIUM_BASE_ARGS, '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader']
});
const rows: ({ model: string } & Record<string, number | string>)[] = [];
try {
	const page = await browser.newPage();
	await page.goto(`http://localhost:${PORT}/`);
	for (const id of MODELS) {
		type BenchWindow = {
			inputShape: (f: string) => Promise<number[]>;
			compare: (f: string, n: number, p: number[]) => Promise<Record<string, number>>;
		};
		const dims = await page.evaluate((f) => (window as never as BenchWindow).inputShape(f), fileOf(id));
		const pixels = await photoTensor(dims);
		const r = await page.evaluate(
			([file, runs, input]) => (window as never as BenchWindow).compare(file, runs, input),
			[fileOf(id), RUNS, pixels] as [string, number, number[]]
		);
		rows.push({ model: id, ...r });
	}
} finally {
	await browser.close();
	server.close();
}
printTable(
	'Face models, WebGPU (SwiftShader) against WASM, same input',
	['model', 'max |difference|', 'min cosine', 'WebGPU ms', 'WASM ms'],
	rows.map((r) => [
		r.model,
		Number(r.maxAbs).toExponential(1),
		Number(r.minCos).toFixed(7),
		Number(r.webgpuMs).toFixed(0),
		Number(r.wasmMs).toFixed(1)
	])
);
mkdirSync(join(root, 'bench', 'out'), { recursive: true });
const report = { at: new Date().toISOString(), adapter: 'swiftshader', runs: RUNS, load: loadavg(), rows };
writeFileSync(join(root, 'bench', 'out', 'webgpu.json'), JSON.stringify(report, null, 2));
