// Budget phones (issue 19 item 3): the browser bench's steps in headless Chromium with a phone viewport (390x844,
// DPR 3, touch) and the CPU slowed down by each rate of ZV_BENCH_THROTTLE (comma list, e.g. "1,4,6"; default "1",
// the unthrottled reference only). Per rate: the camera loop (the app's liveness loop and face worker, fed the
// fixture clips at their frame rate by the wall clock, so a slow loop skips frames as on a phone), each clip's
// liveness verdict against the unthrottled one, one OCR read per card side, and the photo pipeline. Writes
// bench/out/throttle.json and prints one table. `npm run bench` runs it only when ZV_BENCH_THROTTLE is set or it
// is named (`npm run bench -- throttle`): one pass takes several minutes.
//
// How the CPU is slowed (ZV_BENCH_THROTTLE_MODE, comma list, default "process"):
// - cdp: Emulation.setCPUThrottlingRate on the page. Chromium applies it to the page's main thread only: dedicated
//   workers run at full speed, and a worker target refuses it ("Operation is only supported for pages, not
//   workers"), so the face, OCR and photo models are not slowed. The bench records that refusal per run.
// - process: the whole renderer process (main thread, workers, WASM threads) is stopped and continued from here
//   (SIGSTOP/SIGCONT) so it runs 1/rate of each 40 ms period: every thread of the page about rate times slower, as
//   on a phone whose cores are slower. The renderer's CPU time over the run's wall time is reported beside it.
// Env: ZV_BENCH_PORT (default 3392), ZV_BENCH_OCR_N (cards per side, default 3), ZV_BENCH_CLIPS (name filter).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { decodeAudio } from '../../src/cli/commands/liveness.ts';
import type { Challenge } from '../../src/lib/core/liveness/index.ts';
import { fixture } from '../support/fixtures.ts';
import { generateCard } from '../support/idcard/generate.ts';
import { benchFiles, startDevPagesApp } from './app-server.ts';
import { callBench as call } from '../e2e/support/bench-page.ts';
import { CHROMIUM_BASE_ARGS, chromiumPath } from '../e2e/support/chromium.ts';
import { printTable } from './table.ts';
import { PHONE_TARGETS } from './targets.ts';

const port = Number(process.env.ZV_BENCH_PORT ?? 3392);
const rates = [
	...new Set([
		1,
		...(process.env.ZV_BENCH_THROTTLE ?? '1')
			.split(',')
			.map(Number)
			.filter((r) => r >= 1)
	])
];
const modes = (process.env.ZV_BENCH_THROTTLE_MODE ?? 'process').split(',') as ('cdp' | 'process')[];
const OCR_N = Number(process.env.ZV_BENCH_OCR_N ?? 3);
const base = `http://localhost:${port}`;
const root = join(import.meta.dirname, '..', '..');
const STEP_WITHOUT_PROGRESS_MS = PHONE_TARGETS.stepWithoutProgressMs;

const load = () => loadavg()[0].toFixed(2);
console.log(`load average at start ${load()} (2 cores; other work on the machine slows every figure)`);

const app = await startDevPagesApp(port);
/** Renderer processes currently stopped by the process throttle: continued on every way out. */
const stopped = new Set<number>();
const cleanup = () => {
	for (const pid of stopped) signal(pid, 'SIGCONT');
	app.stop();
};
process.on('exit', cleanup);
for (const s of ['SIGINT', 'SIGTERM'] as const)
	process.on(s, () => {
		cleanup();
		process.exit(130);
	});

function signal(pid: number, sig: NodeJS.Signals) {
	try {
		process.kill(pid, sig);
	} catch {
		/* gone */
	}
}

const { serve, route: serveBenchFiles } = benchFiles();

// The clips of tests/node/liveness/phone-loop.test.ts with the challenges it judges them on.
const ALL_CLIPS: { clip: string; fps: number; challenge: Challenge; wav?: string }[] = [
	{
		clip: 'live_blink_selfie_480x640_15fps.mjpeg',
		fps: 15,
		challenge: { kind: 'actions', actions: ['blink'], stepTimeoutMs: 10_000 }
	},
	{
		clip: 'headturn_yaw_woman_640x480_15fps.mjpeg',
		fps: 15,
		challenge: { kind: 'actions', actions: ['turn_left'], stepTimeoutMs: 10_000 }
	},
	{
		clip: 'attack_still_photo_jacky_cheung_640x480_15fps.mjpeg',
		fps: 15,
		challenge: { kind: 'actions', actions: ['blink'], stepTimeoutMs: 4_000 }
	},
	{
		clip: 'attack_moving_print_obama_640x480_15fps.mjpeg',
		fps: 15,
		challenge: { kind: 'actions', actions: ['blink', 'turn_left'], stepTimeoutMs: 4_000 }
	},
	{
		clip: 'grid_bbaf2n_640x480_25fps.mjpeg',
		fps: 25,
		challenge: { kind: 'digits', digits: '4071', clipMinMs: 2000, clipMaxMs: 6000 },
		wav: 'grid_bbaf2n.wav'
	}
];
const CLIPS = ALL_CLIPS.filter((c) => c.clip.includes(process.env.ZV_BENCH_CLIPS ?? ''));

/** Each clip's frames as JPEG files (the MJPEG stream's own frames, copied), served to the page. */
const clips = CLIPS.map((c) => {
	const dir = mkdtempSync(join(tmpdir(), 'zv-bench-clip-'));
	const run = spawnSync('ffmpeg', [
		'-loglevel',
		'error',
		'-i',
		fixture('clips', c.clip),
		'-c:v',
		'copy',
		join(dir, 'f%04d.jpg')
	]);
	if (run.status !== 0) throw new Error(`ffmpeg could not split ${c.clip}: ${run.stderr}`);
	const urls = readdirSync(dir)
		.sort()
		.map((f) => serve(`${c.clip}/${f}`, readFileSync(join(dir, f))));
	const audio = c.wav ? decodeAudio(fixture('clips', c.wav)) : undefined;
	return { ...c, urls, audio: audio && { pcm: Array.from(audio.pcm), sampleRate: audio.sampleRate } };
});

const cards: Record<'portrait' | 'emblem', string[]> = { portrait: [], emblem: [] };
for (const side of ['portrait', 'emblem'] as const)
	for (let seed = 1; seed <= OCR_N; seed++) {
		const card = await generateCard({ seed: 9000 + seed, side, degrade: 'random', write: false });
		cards[side].push(serve(`card_${side}_${seed}${card.bytes[0] === 0xff ? '.jpg' : '.png'}`, card.bytes));
	}
const portraits = [
	fixture('idphotos', 'blue_bg_man_original_358x441.jpg'),
	fixture('faces', 'jacky_cheung_1.jpg')
].map((p, i) => serve(`portrait_${i}${extname(p)}`, readFileSync(p)));

const browser = await chromium.launch({ executablePath: chromiumPath, args: [...CHROMIUM_BASE_ARGS] });

/** Pids of this process's descendants whose command line says they are Chromium renderers. */
function rendererPids(): number[] {
	const children = new Map<number, number[]>();
	for (const d of readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
		} catch {
			/* gone */
		}
	}
	const out: number[] = [];
	const todo = [...(children.get(process.pid) ?? [])];
	while (todo.length) {
		const pid = todo.pop() as number;
		todo.push(...(children.get(pid) ?? []));
		try {
			if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) out.push(pid);
		} catch {
			/* gone */
		}
	}
	return out;
}
/** CPU milliseconds (user + system, every thread) of the given processes. */
function cpuMs(pids: number[]): number {
	let ticks = 0;
	for (const pid of pids) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			ticks += Number(f[11]) + Number(f[12]);
		} catch {
			/* gone */
		}
	}
	return ticks * 10; // USER_HZ = 100 on Linux
}

const PERIOD_MS = 40;
/** Runs the renderers 1/rate of every PERIOD_MS until stopped; returns the stop function. */
function dutyCycle(pids: number[], rate: number): () => void {
	let on = true;
	const runMs = PERIOD_MS / rate;
	const tick = () => {
		if (!on) return;
		for (const pid of pids) {
			signal(pid, 'SIGSTOP');
			stopped.add(pid);
		}
		setTimeout(() => {
			for (const pid of pids) {
				signal(pid, 'SIGCONT');
				stopped.delete(pid);
			}
			if (on) setTimeout(tick, runMs);
		}, PERIOD_MS - runMs);
	};
	setTimeout(tick, runMs);
	return () => {
		on = false;
		for (const pid of pids) {
			signal(pid, 'SIGCONT');
			stopped.delete(pid);
		}
	};
}

type Stats = { n: number; mean: number; p50: number; p95: number; min?: number };
interface LivenessRun {
	info: { runtime: string; threads: number };
	loadMs: number;
	clipFrames: number;
	passed: boolean;
	reasons: string[];
	scores: Record<string, number>;
	details: Record<string, string | number | boolean | null>;
}
interface RateRun {
	mode: 'none' | 'cdp' | 'process';
	rate: number;
	/** What was slowed, and what refused to be. */
	throttled: string[];
	notThrottled: string[];
	/** Renderer CPU ms per wall ms over the run (2 cores: up to 2). */
	rendererCpuShare: number | null;
	loadAvgStart: number;
	loadAvgEnd: number;
	liveness: (LivenessRun & { clip: string; wallMs: number })[];
	/** Per side: read times, and per card the longest the page went without news of the reading (quiet). */
	ocr: Record<string, { read: Stats; perCard: number[]; quiet: number[]; threads: number; loadMs: number }>;
	photo: { loadMs: number; pipeline: Stats } | null;
}

async function benchPage(): Promise<Page> {
	const context = await browser.newContext({
		viewport: { width: 390, height: 844 },
		deviceScaleFactor: 3,
		isMobile: true,
		hasTouch: true
	});
	const page = await context.newPage();
	await serveBenchFiles(page);
	page.on('pageerror', (e) => console.error('page error:', e.message));
	page.on('console', (m) => m.type() === 'error' && console.error('console:', m.text()));
	await page.goto(`${base}/dev/bench`);
	await page.getByTestId('bench-status').filter({ hasText: 'ready' }).waitFor();
	return page;
}

async function runAt(mode: RateRun['mode'], rate: number): Promise<RateRun> {
	const page = await benchPage();
	const throttled: string[] = [];
	const notThrottled: string[] = [];
	let release = () => {};
	const pids = rendererPids();
	if (mode === 'cdp') {
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate });
		throttled.push('page main thread (CDP)');
		// Each worker the page starts is offered the same rate; Chromium refuses it for workers (recorded).
		const bcdp = await browser.newBrowserCDPSession();
		const refusals = new Set<string>();
		bcdp.on('Target.receivedMessageFromTarget', (e) => {
			const m = JSON.parse(e.message) as { error?: { message: string } };
			if (m.error) refusals.add(m.error.message);
		});
		bcdp.on('Target.targetCreated', async (e) => {
			if (e.targetInfo.type !== 'worker') return;
			try {
				const { sessionId } = await bcdp.send('Target.attachToTarget', {
					targetId: e.targetInfo.targetId,
					flatten: false
				});
				await bcdp.send('Target.sendMessageToTarget', {
					sessionId,
					message: JSON.stringify({ id: 1, method: 'Emulation.setCPUThrottlingRate', params: { rate } })
				});
			} catch (err) {
				refusals.add(String(err));
			}
		});
		await bcdp.send('Target.setDiscoverTargets', { discover: true });
		release = () => {
			notThrottled.push(...[...refusals].map((r) => `dedicated workers: ${r}`));
			void bcdp.detach().catch(() => undefined);
		};
	} else if (mode === 'process' && rate > 1) {
		const stop = dutyCycle(pids, rate);
		throttled.push(`renderer process${pids.length > 1 ? 'es' : ''} ${pids.join(', ')}: every thread`);
		release = stop;
	}
	const cpu0 = cpuMs(pids);
	const wall0 = performance.now();
	const loadAvgStart = loadavg()[0];
	const liveness: RateRun['liveness'] = [];
	for (const c of clips) {
		const t = performance.now();
		const r = await call<LivenessRun>(page, 'liveness', c.urls, c.fps, c.challenge, c.audio);
		liveness.push({ clip: c.clip, wallMs: performance.now() - t, ...r });
		console.error(
			`  ${mode} ${rate}x ${c.clip}: ${r.passed ? 'pass' : r.reasons.join('+')}, ${r.details.frames}/${r.clipFrames} frames, ${r.details.measureMsPerFrame} ms measure/frame`
		);
	}
	const ocr: RateRun['ocr'] = {};
	for (const side of ['portrait', 'emblem'] as const) {
		const r = await call<{
			info: { threads: number };
			loadMs: number;
			read: Stats;
			perCard: { ms: number; quietMs: number }[];
		}>(page, 'ocr', cards[side], { side, numThreads: appOcrThreads });
		ocr[side] = {
			read: r.read,
			perCard: r.perCard.map((c) => c.ms),
			quiet: r.perCard.map((c) => c.quietMs),
			threads: r.info.threads,
			loadMs: r.loadMs
		};
		console.error(
			`  ${mode} ${rate}x ocr ${side}: ${r.perCard.map((c) => `${Math.round(c.ms)} (quiet ${Math.round(c.quietMs)})`).join(' ')} ms`
		);
	}
	const photo = await call<{ loadMs: number; pipeline: Stats }>(page, 'photo', portraits);
	const wall = performance.now() - wall0;
	const share = pids.length ? (cpuMs(pids) - cpu0) / wall : null;
	release();
	await page.context().close();
	return {
		mode,
		rate,
		throttled,
		notThrottled,
		rendererCpuShare: share,
		loadAvgStart,
		loadAvgEnd: loadavg()[0],
		liveness,
		ocr,
		photo: { loadMs: photo.loadMs, pipeline: photo.pipeline }
	};
}

/** The OCR worker's threads as the app starts it (client/workers.ts), asked of the page. */
let appOcrThreads: number | undefined;
{
	const page = await benchPage();
	appOcrThreads = await call<number | undefined>(page, 'appOcrThreads').catch(() => undefined);
	await page.context().close();
}

const runs: RateRun[] = [await runAt('none', 1)];
for (const mode of modes) for (const rate of rates.filter((r) => r > 1)) runs.push(await runAt(mode, rate));
const version = browser.version();
await browser.close();
cleanup();

const reference = new Map(runs[0].liveness.map((l) => [l.clip, l]));
const verdict = (l: LivenessRun) => (l.passed ? 'pass' : l.reasons.join('+'));
const fmt = (n: number) => Math.round(n);
/** Per rate: the clips judged as unthrottled, and the longest a step went without visible progress. */
const judged = (r: (typeof runs)[number]) => ({
	sameVerdicts: r.liveness.filter((l) => verdict(l) === verdict(reference.get(l.clip)!)).length,
	clips: r.liveness.length,
	longestWithoutProgressMs: Math.max(
		// The reading's steps are shown as they begin (IdCapture): its longest quiet stretch is what counts.
		...Object.values(r.ocr).flatMap((o) => o.quiet),
		...(r.photo ? [r.photo.pipeline.p95] : [])
	)
});
const rows = runs.map((r) => {
	const actionRuns = r.liveness.filter((l) => !String(l.clip).startsWith('grid_'));
	const frames = actionRuns.reduce((n, l) => n + Number(l.details.frames), 0);
	const ms = actionRuns.reduce((n, l) => n + Number(l.details.durationMs), 0);
	const { sameVerdicts, clips, longestWithoutProgressMs: worst } = judged(r);
	return [
		r.mode === 'none' ? 'none' : `${r.mode} ${r.rate}x`,
		(frames / (ms / 1000)).toFixed(1),
		(
			actionRuns.reduce((n, l) => n + Number(l.details.measureMsPerFrame) * Number(l.details.frames), 0) /
			Math.max(1, frames)
		).toFixed(0),
		`${sameVerdicts}/${clips}`,
		r.liveness.map((l) => `${l.clip.split('_').slice(0, 2).join('_')}:${verdict(l)}`).join(' '),
		fmt(r.ocr.portrait.read.mean),
		fmt(r.ocr.emblem.read.mean),
		r.photo ? fmt(r.photo.pipeline.mean) : '-',
		worst > STEP_WITHOUT_PROGRESS_MS ? `${fmt(worst)} >3s` : fmt(worst),
		r.rendererCpuShare === null ? '-' : r.rendererCpuShare.toFixed(2),
		`${r.loadAvgStart.toFixed(1)}-${r.loadAvgEnd.toFixed(1)}`
	];
});
console.log(
	`\nHeadless Chromium ${version}, phone viewport 390x844 DPR 3; face worker ${runs[0].liveness[0]?.info.threads} thread(s), OCR ${Object.values(runs[0].ocr)[0]?.threads} thread(s)`
);
printTable(
	'Budget phones: camera loop (action clips), liveness verdicts vs unthrottled, OCR per side, photo (ms)',
	[
		'throttle',
		'loop fps',
		'measure ms',
		'same verdict',
		'verdicts',
		'ocr portrait',
		'ocr emblem',
		'photo',
		'longest without progress',
		'renderer cpu/wall',
		'load avg'
	],
	rows
);
for (const r of runs) {
	if (r.throttled.length) console.log(`${r.mode} ${r.rate}x throttled: ${r.throttled.join('; ')}`);
	if (r.notThrottled.length) console.log(`${r.mode} ${r.rate}x NOT throttled: ${r.notThrottled.join('; ')}`);
}

mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(
	join(root, 'bench', 'out', 'throttle.json'),
	JSON.stringify(
		{
			at: new Date().toISOString(),
			chromium: version,
			viewport: { width: 390, height: 844, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
			rates,
			modes,
			runs: runs.map((r) => ({
				...r,
				...judged(r),
				liveness: r.liveness.map((l) => ({
					...l,
					sameVerdictAsUnthrottled: verdict(l) === verdict(reference.get(l.clip)!)
				}))
			}))
		},
		null,
		2
	) + '\n'
);
console.log('wrote bench/out/throttle.json');
