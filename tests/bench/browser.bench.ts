// Browser benchmark: the real workers (face, OCR, photo) in headless Debian Chromium on this machine, driven
// through the dev-only /dev/bench page of the built app. Writes bench/out/browser.json and prints tables.
// Env: ZV_BENCH_PORT (default 3390), ZV_BENCH_ONLY=ocr|face|photo (comma list; default all), ZV_BENCH_OCR_N
// (generated cards per side for the OCR worker, default 12), ZV_BENCH_OCR_THREADS (e.g. "2,1": the OCR worker's
// WASM threads per run; default: what the app does, 2 when cross-origin isolated), ZV_BENCH_OCR_HINT=0 (read
// without saying which side is expected; by default the side is passed, as the phone's capture step does),
// ZV_BENCH_OCR_CPU=1 (also the CPU time of the bench's process tree per OCR card: each side is run once more
// with no cards, so model loading is subtracted; wall times are useless when other work shares the 2 cores).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium } from '@playwright/test';
import { fixture } from '../support/fixtures.ts';
import { generateCard } from '../support/idcard/generate.ts';
import { benchFiles, startDevPagesApp } from './app-server.ts';
import { callBench } from '../e2e/support/bench-page.ts';
import { CHROMIUM_BASE_ARGS, chromiumPath } from '../e2e/support/chromium.ts';

const port = Number(process.env.ZV_BENCH_PORT ?? 3390);
const only = process.env.ZV_BENCH_ONLY?.split(',') ?? ['face', 'ocr', 'photo'];
const OCR_N = Number(process.env.ZV_BENCH_OCR_N ?? 12);
const base = `http://localhost:${port}`;
const root = join(import.meta.dirname, '..', '..');

const app = await startDevPagesApp(port);
const cleanup = () => app.stop();
process.on('exit', cleanup);

const { serve, route: serveBenchFiles } = benchFiles();

const browser = await chromium.launch({ executablePath: chromiumPath, args: [...CHROMIUM_BASE_ARGS] });
const page = await browser.newPage();
await serveBenchFiles(page);
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

const run = <T>(name: string, ...args: unknown[]) => callBench<T>(page, name, ...args);

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
type Stats = { n: number; mean: number; p50: number; p95: number; min?: number };
type FaceRun = {
	loadMs: number;
	measure: Stats;
	embed: Stats;
	antiSpoof: Stats;
	/** One sample() call (embedding + anti-spoof on one frame copy), as the liveness loop makes it. */
	sample: Stats;
	/** The same, timed inside the worker (models and crops only). */
	sampleInWorker: Stats;
	/** The app's split: the embedding in this worker, the anti-spoof score in a second one (one thread), at once. */
	apart: Stats | null;
	/** The largest difference between the split's outputs and one sample()'s (embedding elements, live score). */
	apartDiff: number;
	info: unknown;
};
const faceConfigs = [
	{
		name: "1 thread, detector every 3rd frame, tracking between (the phone's camera loop on 2 cores)",
		numThreads: 1,
		detectEvery: 3
	},
	{ name: '1 thread, detector every frame (reference)', numThreads: 1, detectEvery: 1 },
	{ name: '2 threads, detector every 3rd frame (the camera loop on 4+ cores)', numThreads: 2, detectEvery: 3 }
];
const faceRuns: (FaceRun & { config: string })[] = [];
for (const config of only.includes('face') ? faceConfigs : []) {
	faceRuns.push({ config: config.name, ...(await run<FaceRun>('face', faceFrames, 2, config)) });
}
/** Two threads (the phone's setting on devices with more than 2 cores): the per-model figures quoted below. */
const face = faceRuns[2] as (FaceRun & { config: string }) | undefined;

// OCR: generated degraded cards of both sides (the same generator and degradations as the Node bench, other
// seeds), each read once by the real OCR worker; fields scored against the generated identity.
type OcrRun = {
	info: { runtime: string; crossOriginIsolated: boolean; threads: number };
	loadMs: number;
	read: Stats;
	stages: Record<'locate' | 'detect' | 'recognize' | 'total', Stats>;
	perCard: {
		ms: number;
		/** The reader's timings; `stages` holds its finer steps (see ReadTimings). */
		stages?: { stages?: Record<string, number> };
		fields: Record<string, string | null>;
		idNumber: string | null;
		name: string | null;
	}[];
};
const OCR_FIELDS = {
	portrait: ['name', 'sex', 'ethnicity', 'birthDate', 'address', 'idNumber'],
	emblem: ['authority', 'validFrom', 'validTo']
} as const;
/** CPU time (ms) of this process's descendants (the server, Chromium and its threads), from /proc. */
function treeCpuMs(): number {
	const children = new Map<number, number[]>();
	const ticks = new Map<number, number>();
	for (const d of readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
			const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const ppid = Number(f[1]);
			children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
			ticks.set(Number(d), Number(f[11]) + Number(f[12]));
		} catch {
			/* gone */
		}
	}
	let sum = 0;
	const todo = [...(children.get(process.pid) ?? [])];
	while (todo.length) {
		const pid = todo.pop() as number;
		sum += ticks.get(pid) ?? 0;
		todo.push(...(children.get(pid) ?? []));
	}
	return sum * 10; // USER_HZ = 100 on Linux
}
const OCR_CPU = process.env.ZV_BENCH_OCR_CPU === '1';
/** Per side: CPU ms per card of the process tree (a run's CPU minus a no-card run's), when OCR_CPU. */
const ocrCpuPerCard: Record<string, number> = {};
const ocrThreads = process.env.ZV_BENCH_OCR_THREADS?.split(',').map(Number) ?? [undefined];
const ocrSides: Record<string, OcrRun & { exact: Record<string, number>; cards: number }> = {};
for (const [side, threads] of (only.includes('ocr') ? (['portrait', 'emblem'] as const) : []).flatMap((s) =>
	ocrThreads.map((t) => [s, t] as const)
)) {
	const cards: string[] = [];
	const truth: Record<string, string>[] = [];
	for (let seed = 1; seed <= OCR_N; seed++) {
		const card = await generateCard({ seed: 9000 + seed, side, degrade: 'random', write: false });
		cards.push(serve(`card_${side}_${seed}${card.bytes[0] === 0xff ? '.jpg' : '.png'}`, card.bytes));
		truth.push(Object.fromEntries(Object.entries(card.identity).map(([k, v]) => [k, String(v)])));
	}
	const hint = process.env.ZV_BENCH_OCR_HINT === '0' ? undefined : side;
	let c0 = treeCpuMs();
	const r = await run<OcrRun>('ocr', cards, { numThreads: threads, side: hint });
	if (OCR_CPU) {
		const withCards = treeCpuMs() - c0;
		c0 = treeCpuMs();
		await run<OcrRun>('ocr', [], { numThreads: threads, side: hint });
		ocrCpuPerCard[threads === undefined ? side : `${side}@${threads}`] =
			(withCards - (treeCpuMs() - c0)) / cards.length;
	}
	const exact = Object.fromEntries(
		OCR_FIELDS[side].map((f) => [f, r.perCard.filter((c, i) => c.fields[f] === truth[i][f]).length])
	);
	ocrSides[threads === undefined ? side : `${side}@${threads}`] = { ...r, exact, cards: cards.length };
}
const ocr = Object.entries(ocrSides).find(([k]) => k.startsWith('portrait'))?.[1];
const ocrIdExact = ocr?.exact.idNumber ?? 0;
const ocrNameExact = ocr?.exact.name ?? 0;

const portraits = [
	fixture('idphotos', 'blue_bg_man_original_358x441.jpg'),
	fixture('idphotos', 'nonconf_wrong_background_hivision_test1.jpg'),
	fixture('faces', 'jacky_cheung_1.jpg'),
	fixture('faces', 'astronaut.png')
].map((p, i) => serve(`portrait_${i}${extname(p)}`, readFileSync(p)));
const photo = only.includes('photo')
	? await run<{
			loadMs: number;
			pipeline: Stats;
			rows: {
				totalMs: number;
				bytes: number;
				ok: boolean;
				encoders: { encoder: string; bytes: number; quality: number; ssim: number; ms: number }[];
			}[];
		}>('photo', portraits)
	: null;

const version = browser.version();
await browser.close();
cleanup();

const fmt = (n: number) => n.toFixed(1);
const statsRow = (s: Stats) => ({
	'mean ms': fmt(s.mean),
	'p95 ms': fmt(s.p95),
	// The least disturbed run on a shared machine (absent from older builds of /dev/bench).
	'min ms': s.min === undefined ? '' : fmt(s.min)
});
const both = (mean: number) => ({ 'mean ms': fmt(mean), 'p95 ms': '', 'min ms': '' });
console.log(
	`\nHeadless Chromium ${version}, crossOriginIsolated=${isolated} load average ${loadavg()[0].toFixed(1)}`
);
if (faceRuns.length) {
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
				[`  of which in the worker (models + crops): ${r.config}`, statsRow(r.sampleInWorker)],
				...(r.apart
					? [[`embedding + anti-spoof, anti-spoof in its own worker: ${r.config}`, statsRow(r.apart)]]
					: [])
			])
		)
	);
	const apartDiff = Math.max(...faceRuns.map((r) => r.apartDiff));
	console.log(`the split's outputs against one sample(): largest difference ${apartDiff}`);
}
console.table({
	...(face
		? {
				'face: embedding (2 threads)': statsRow(face.embed),
				'face: anti-spoof (2 threads)': statsRow(face.antiSpoof)
			}
		: {}),
	...Object.fromEntries(
		Object.entries(ocrSides).map(([side, r]) => [
			`ocr: one ${side.replace(/@.*/, '')} side (locate+det+rec+parse, ${r.info.threads} thread(s))`,
			{
				'mean ms': fmt(r.read.mean),
				'p95 ms': fmt(r.read.p95),
				'det ms': fmt(r.stages.detect.mean),
				'rec ms': fmt(r.stages.recognize.mean),
				'locate ms': fmt(r.stages.locate.mean),
				exact: Object.entries(r.exact)
					.map(([f, n]) => `${f} ${n}/${r.cards}`)
					.join(', ')
			}
		])
	),
	...(photo
		? {
				'photo: measure + segment + compose + size-searched JPEG': {
					'mean ms': fmt(photo.pipeline.mean),
					'p95 ms': fmt(photo.pipeline.p95)
				}
			}
		: {})
});
// Where an OCR read's time goes, by step, inside the worker (means over the cards; recColumns is a count).
if (Object.keys(ocrSides).length) {
	const steps = (r: OcrRun) => {
		const sums: Record<string, number> = {};
		for (const c of r.perCard)
			for (const [k, v] of Object.entries(c.stages?.stages ?? {})) sums[k] = (sums[k] ?? 0) + v;
		return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, fmt(v / r.perCard.length)]));
	};
	console.table(Object.fromEntries(Object.entries(ocrSides).map(([side, r]) => [`ocr ${side}`, steps(r)])));
	console.log(
		'ocr per-card ms:',
		Object.fromEntries(
			Object.entries(ocrSides).map(([side, r]) => [side, r.perCard.map((c) => Math.round(c.ms)).join(' ')])
		)
	);
}
if (OCR_CPU)
	console.log(
		'ocr CPU ms per card (process tree, model loading subtracted):',
		Object.fromEntries(Object.entries(ocrCpuPerCard).map(([k, v]) => [k, Math.round(v)]))
	);
if (ocr)
	console.log(
		`OCR worker: ${ocr.info.runtime}, crossOriginIsolated=${ocr.info.crossOriginIsolated}, ${ocr.info.threads} thread(s)`
	);
console.log('model loading (ms, reported apart):', {
	face: face && Math.round(face.loadMs),
	ocr: ocr && Math.round(ocr.loadMs),
	photo: photo && Math.round(photo.loadMs)
});
if (photo)
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

// A partial run (ZV_BENCH_ONLY) writes its own file, so it never overwrites the full run's figures.
const outName = only.length === 3 ? 'browser.json' : `browser-${only.join('-')}.json`;
mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(
	join(root, 'bench', 'out', outName),
	JSON.stringify(
		{
			at: new Date().toISOString(),
			cpus: cpus().length,
			chromium: version,
			crossOriginIsolated: isolated,
			loadAverage: loadavg(),
			face: faceRuns,
			ocr: ocr ? { ...ocr, idExact: ocrIdExact, nameExact: ocrNameExact, cards: ocr.cards } : null,
			ocrBySide: ocrSides,
			ocrCpuPerCard,
			photo,
			thirdPartyRequests: thirdParty
		},
		null,
		2
	)
);
console.log(`wrote bench/out/${outName}`);
process.exit(thirdParty.length ? 1 : 0);
