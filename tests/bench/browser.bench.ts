// Browser benchmark: the real workers (face, OCR, photo) in headless Debian Chromium on this machine, driven
// through the dev-only /dev/bench page of the built app. Writes bench/out/browser.json and prints tables.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium } from '@playwright/test';
import { fixture } from '../support/fixtures.ts';
import { generateCard } from '../support/idcard/generate.ts';

const port = 3390;
const base = `http://localhost:${port}`;
const root = join(import.meta.dirname, '..', '..');

if (!existsSync(join(root, 'build', 'handler.js')))
	spawnSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
const server = spawn('node', ['src/start.mjs'], {
	cwd: root,
	env: {
		...process.env,
		PORT: String(port),
		ZV_DEV_PAGES: '1',
		ZV_DATA_DIR: mkdtempSync(join(tmpdir(), 'zv-bench-'))
	},
	stdio: 'ignore'
});
const cleanup = () => server.kill('SIGTERM');
process.on('exit', cleanup);

async function waitForServer() {
	for (let i = 0; i < 120; i++) {
		try {
			if ((await fetch(`${base}/`)).ok) return;
		} catch {
			/* not yet */
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error('server did not start');
}

// Files the page fetches from /__bench/… are answered by Playwright from disk: fixtures never enter the build.
const served = new Map<string, Buffer>();
const serve = (name: string, bytes: Buffer) => {
	served.set(name, bytes);
	return `/__bench/${name}`;
};
const types: Record<string, string> = { '.jpg': 'image/jpeg', '.png': 'image/png' };

await waitForServer();
const browser = await chromium.launch({
	executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
	args: [
		'--no-sandbox',
		'--disable-background-networking',
		'--disable-component-update',
		'--no-first-run',
		'--disable-sync'
	]
});
const page = await browser.newPage();
await page.route('**/__bench/**', (route) => {
	const name = decodeURIComponent(new URL(route.request().url()).pathname.replace('/__bench/', ''));
	const body = served.get(name);
	return body
		? route.fulfill({ body, contentType: types[extname(name)] ?? 'application/octet-stream' })
		: route.abort();
});
const thirdParty: string[] = [];
page.on('request', (r) => {
	if (!r.url().startsWith(base)) thirdParty.push(r.url());
});
page.on('pageerror', (e) => console.error('page error:', e.message));
page.on('console', (m) => m.type() === 'error' && console.error('console:', m.text()));
await page.goto(`${base}/dev/bench`);
await page.getByTestId('bench-status').filter({ hasText: 'ready' }).waitFor();
const isolated = await page.evaluate(() =>
	(window as never as { zvBench: { crossOriginIsolated(): boolean } }).zvBench.crossOriginIsolated()
);

type Bench = Record<string, (...args: unknown[]) => Promise<unknown>>;
const run = <T>(name: string, ...args: unknown[]) =>
	page.evaluate(
		([n, a]) => (window as never as { zvBench: Bench }).zvBench[n as string](...(a as unknown[])),
		[name, args] as const
	) as Promise<T>;

// Camera-loop frames: 3 s of a real front-camera selfie, in order, as the phone's loop would see them.
const frameDir = mkdtempSync(join(tmpdir(), 'zv-bench-frames-'));
spawnSync('ffmpeg', [
	'-loglevel',
	'error',
	'-framerate',
	'15',
	'-f',
	'mjpeg',
	'-i',
	fixture('clips', 'live_blink_selfie_480x640_15fps.mjpeg'),
	'-frames:v',
	'45',
	join(frameDir, 'f%03d.png')
]);
const faceFrames = readdirSync(frameDir)
	.sort()
	.map((f) => serve(`frame_${f}`, readFileSync(join(frameDir, f))));
type Stats = { n: number; mean: number; p50: number; p95: number };
type FaceRun = {
	loadMs: number;
	measure: Stats;
	embed: Stats;
	antiSpoof: Stats;
	/** One sample() call (embedding + anti-spoof on one frame copy), as the liveness loop makes it. */
	sample: Stats;
	/** The same, timed inside the worker (models and crops only). */
	sampleInWorker: Stats;
	info: unknown;
};
const faceConfigs = [
	{ name: '1 thread, detector every frame', numThreads: 1, detectEvery: 1 },
	{
		name: "1 thread, detector every 3rd frame (the phone's setting on 2 cores)",
		numThreads: 1,
		detectEvery: 3
	},
	{
		name: "2 threads, detector every 3rd frame (the phone's setting on > 2 cores)",
		numThreads: 2,
		detectEvery: 3
	}
];
const faceRuns: (FaceRun & { config: string })[] = [];
for (const config of faceConfigs) {
	faceRuns.push({ config: config.name, ...(await run<FaceRun>('face', faceFrames, 2, config)) });
}
/** The phone's configuration with two threads (src/lib/client/workers.ts): the per-model figures quoted below. */
const face = faceRuns[2];

const cards: string[] = [];
const truth: { idNumber: string; name: string }[] = [];
for (let seed = 1; seed <= 12; seed++) {
	const card = await generateCard({ seed: 9000 + seed, side: 'portrait', degrade: 'random', write: false });
	cards.push(serve(`card_${seed}${card.bytes[0] === 0xff ? '.jpg' : '.png'}`, card.bytes));
	truth.push({ idNumber: card.identity.idNumber, name: card.identity.name });
}
const ocr = await run<{
	loadMs: number;
	read: Stats;
	perCard: { idNumber: string | null; name: string | null }[];
}>('ocr', cards);
const ocrIdExact = ocr.perCard.filter((c, i) => c.idNumber === truth[i].idNumber).length;
const ocrNameExact = ocr.perCard.filter((c, i) => c.name === truth[i].name).length;

const portraits = [
	fixture('idphotos', 'blue_bg_man_original_358x441.jpg'),
	fixture('idphotos', 'nonconf_wrong_background_hivision_test1.jpg'),
	fixture('faces', 'jacky_cheung_1.jpg'),
	fixture('faces', 'astronaut.png')
].map((p, i) => serve(`portrait_${i}${extname(p)}`, readFileSync(p)));
const photo = await run<{
	loadMs: number;
	pipeline: Stats;
	rows: {
		totalMs: number;
		bytes: number;
		ok: boolean;
		encoders: { encoder: string; bytes: number; quality: number; ssim: number; ms: number }[];
	}[];
}>('photo', portraits);

const version = browser.version();
await browser.close();
cleanup();

const fmt = (n: number) => n.toFixed(1);
const statsRow = (s: Stats) => ({ 'mean ms': fmt(s.mean), 'p95 ms': fmt(s.p95) });
const both = (mean: number) => ({ 'mean ms': fmt(mean), 'p95 ms': '' });
console.log(
	`\nHeadless Chromium ${version}, crossOriginIsolated=${isolated} load average ${loadavg()[0].toFixed(1)}`
);
console.table(
	Object.fromEntries(
		faceRuns.map((r) => [
			`face camera loop: ${r.config}`,
			{ 'mean ms': fmt(r.measure.mean), 'p95 ms': fmt(r.measure.p95), fps: fmt(1000 / r.measure.mean) }
		])
	)
);
console.table(
	Object.fromEntries(
		faceRuns.flatMap((r) => [
			[`embedding + anti-spoof, separate calls: ${r.config}`, both(r.embed.mean + r.antiSpoof.mean)],
			[`embedding + anti-spoof, one sample() call: ${r.config}`, statsRow(r.sample)],
			[`  of which in the worker (models + crops): ${r.config}`, statsRow(r.sampleInWorker)]
		])
	)
);
console.table({
	'face: embedding': statsRow(face.embed),
	'face: anti-spoof': statsRow(face.antiSpoof),
	'ocr: one portrait side (det+rec+parse)': {
		'mean ms': fmt(ocr.read.mean),
		'p95 ms': fmt(ocr.read.p95),
		exact: `id ${ocrIdExact}/${cards.length}, name ${ocrNameExact}/${cards.length}`
	},
	'photo: measure + segment + compose + size-searched JPEG': {
		'mean ms': fmt(photo.pipeline.mean),
		'p95 ms': fmt(photo.pipeline.p95)
	}
});
console.log('model loading (ms, reported apart):', {
	face: Math.round(face.loadMs),
	ocr: Math.round(ocr.loadMs),
	photo: Math.round(photo.loadMs)
});
console.table(
	photo.rows.flatMap((r, i) =>
		r.encoders.map((e) => ({
			photo: i,
			encoder: e.encoder,
			bytes: e.bytes,
			quality: e.quality,
			ssim: e.ssim.toFixed(4)
		}))
	)
);
console.log(`requests to other origins: ${thirdParty.length}`);

mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(
	join(root, 'bench', 'out', 'browser.json'),
	JSON.stringify(
		{
			chromium: version,
			crossOriginIsolated: isolated,
			loadAverage: loadavg(),
			face: faceRuns,
			ocr: { ...ocr, idExact: ocrIdExact, nameExact: ocrNameExact, cards: cards.length },
			photo,
			thirdPartyRequests: thirdParty
		},
		null,
		2
	)
);
process.exit(thirdParty.length ? 1 : 0);
