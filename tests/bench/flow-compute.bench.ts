// The whole flow's on-device compute (issue 19 item 2: the sum of model time over all steps < 5 s): a candidate's
// flow in headless Chromium from the link to the submission, each province as its e2e flow walks it, with the
// browser tracing `blink.user_timing`. Every model run in every worker is a span `model <id>` (runtime/web-ort.ts),
// recorded in the trace even though the worker drops it from its own buffer at once; the bench adds them up per
// model and per screen (the screen shown when the run started). Model loading is not model time and is reported
// apart, as the screens' wall time. Each run is a fresh browser profile (a first visit), the consent screen read
// for ZV_BENCH_READ_S seconds (default 8) while the card reader warms, as a candidate does.
// Run: npx tsx tests/bench/flow-compute.bench.ts  (ZV_BENCH_RUNS per province, default 2; ZV_BENCH_ONLY=beijing)
// Writes bench/out/flow-compute.json.
import { chromium, request, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { PHONE_TARGETS } from './targets.ts';
import { join } from 'node:path';
import { MODEL_SPAN } from '../../src/lib/runtime/measured.ts';
import { convertClip } from '../e2e/support/camera.ts';
import { chromiumArgs, chromiumPath } from '../e2e/support/chromium.ts';
import { confirmableCandidate, startOnPc } from '../e2e/support/flow.ts';
import {
	confirmRecord,
	consent,
	expectStatus,
	idCards,
	liveness,
	photo,
	submit
} from '../e2e/support/phone.ts';
import { markScreens, SCREEN_MARK } from '../e2e/support/screen-marks.ts';
import { benchPhoneContext, root, startBenchApp, TSX_NAME_SHIM } from './app-server.ts';
import { printTable } from './table.ts';

const port = Number(process.env.ZV_BENCH_PORT ?? 3254);
const RUNS = Number(process.env.ZV_BENCH_RUNS ?? 2);
const READ_S = Number(process.env.ZV_BENCH_READ_S ?? 8);
const BUDGET_MS = PHONE_TARGETS.flowModelMs;

/** Each province's flow as its e2e test walks it, after the consent screen (Hubei's digit reading needs a speaker's
 * camera and microphone, which the default camera clip is not, so Hubei is left out). */
const FLOWS: Record<string, (phone: Page) => Promise<void>> = {
	fujian: async (phone) => {
		await confirmRecord(phone);
		await idCards(phone, ['portrait', 'emblem']);
		await liveness(phone);
	},
	beijing: async (phone) => {
		await idCards(phone, ['portrait', 'emblem']);
		await confirmRecord(phone);
		await photo(phone);
		await liveness(phone);
	}
};
const provinces = (process.env.ZV_BENCH_ONLY?.split(',') ?? Object.keys(FLOWS)) as (keyof typeof FLOWS)[];

interface TraceEvent {
	name: string;
	cat: string;
	ph: string;
	ts: number;
	id2?: { local?: string };
	tid: number;
	pid: number;
}

interface Span {
	model: string;
	start: number;
	ms: number;
}

/** The model spans of a trace: each `b` event paired with its `e` (same name, id and thread), ms. */
function modelSpans(events: TraceEvent[]): Span[] {
	const open = new Map<string, TraceEvent>();
	const spans: Span[] = [];
	for (const e of events) {
		if (e.cat !== 'blink.user_timing' || !e.name.startsWith(MODEL_SPAN)) continue;
		const key = `${e.pid}:${e.tid}:${e.name}:${e.id2?.local ?? ''}`;
		if (e.ph === 'b') open.set(key, e);
		else if (e.ph === 'e') {
			const begin = open.get(key);
			if (!begin) continue;
			open.delete(key);
			spans.push({ model: e.name.slice(MODEL_SPAN.length), start: begin.ts, ms: (e.ts - begin.ts) / 1000 });
		}
	}
	return spans;
}

/** The screens' marks in the page (markScreens), in trace time. */
function screenMarks(events: TraceEvent[]): { screen: string; ts: number }[] {
	return events
		.filter((e) => e.cat === 'blink.user_timing' && e.name.startsWith(SCREEN_MARK))
		.map((e) => ({ screen: e.name.slice(SCREEN_MARK.length), ts: e.ts }))
		.sort((a, b) => a.ts - b.ts);
}

interface Run {
	province: string;
	totalMs: number;
	runs: number;
	byModel: Record<string, { runs: number; ms: number }>;
	byScreen: Record<string, number>;
	/** Wall seconds from the link opening to the submission, consent reading included. */
	wallS: number;
	load: [number, number];
}

const app = await startBenchApp(port);
// Candidates registered as each e2e flow registers them: with the reference photo of the person the camera plays
// (Fujian's approved pre-registration photo, Beijing's authority photo), so every run ends confirmed.
const api = await request.newContext({ baseURL: app.origin });
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs(convertClip()) });
const results: Run[] = [];
try {
	for (const province of provinces)
		for (let i = 0; i < RUNS; i++) {
			const loadBefore = loadavg()[0];
			const context = await benchPhoneContext(browser);
			// The page marks each screen it shows, so each model run is counted for the screen it ran on.
			await markScreens(context);
			// The registration site's side, as the e2e flows walk it: SMS sign-in on /pc, then the QR code's link.
			const pc = await browser.newPage({ baseURL: app.origin });
			await pc.addInitScript(TSX_NAME_SHIM);
			const candidate = await confirmableCandidate(api, province as 'fujian' | 'beijing');
			const link = new URL(await startOnPc(pc, candidate), app.origin).toString();
			await pc.close();
			const phone = await context.newPage();
			await browser.startTracing(phone, { categories: ['blink.user_timing'] });
			const started = performance.now();
			await phone.goto(link);
			await expectStatus(phone, 'consent', 60_000);
			await new Promise((r) => setTimeout(r, READ_S * 1000));
			await consent(phone);
			await FLOWS[province](phone);
			await submit(phone);
			await expectStatus(phone, 'done', 60_000);
			const wallS = (performance.now() - started) / 1000;
			const trace = JSON.parse((await browser.stopTracing()).toString()) as
				{ traceEvents: TraceEvent[] } | TraceEvent[];
			const events = Array.isArray(trace) ? trace : trace.traceEvents;
			const spans = modelSpans(events);
			const marks = screenMarks(events);
			const byModel: Run['byModel'] = {};
			const byScreen: Run['byScreen'] = {};
			for (const s of spans) {
				const m = (byModel[s.model] ??= { runs: 0, ms: 0 });
				m.runs++;
				m.ms += s.ms;
				const screen = marks.filter((k) => k.ts <= s.start).at(-1)?.screen ?? 'opening';
				byScreen[screen] = (byScreen[screen] ?? 0) + s.ms;
			}
			const totalMs = spans.reduce((a, s) => a + s.ms, 0);
			results.push({
				province,
				totalMs,
				runs: spans.length,
				byModel,
				byScreen,
				wallS,
				load: [loadBefore, loadavg()[0]]
			});
			console.log(
				`${province} run ${i + 1}: model time ${totalMs.toFixed(0)} ms over ${spans.length} runs, flow ${wallS.toFixed(1)} s, load ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`
			);
			await context.close();
		}
} finally {
	await browser.close();
	await api.dispose();
	app.stop();
}

const round = (x: number) => Math.round(x);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
printTable(
	'Whole flow, model time on the phone (sum over every worker; first visit; median of runs)',
	['province', 'runs', 'model ms', 'model runs', `< ${BUDGET_MS} ms`, 'flow s', 'load'],
	provinces.map((p) => {
		const of = results.filter((r) => r.province === p);
		const ms = median(of.map((r) => r.totalMs));
		return [
			p,
			of.length,
			round(ms),
			median(of.map((r) => r.runs)),
			ms < BUDGET_MS ? 'met' : 'NOT met',
			median(of.map((r) => r.wallS)).toFixed(1),
			of.map((r) => `${r.load[0].toFixed(1)}-${r.load[1].toFixed(1)}`).join(', ')
		];
	})
);
for (const p of provinces) {
	const of = results.filter((r) => r.province === p);
	const models = [...new Set(of.flatMap((r) => Object.keys(r.byModel)))].sort();
	printTable(
		`${p}: per model (runs, ms), each run of the bench`,
		['model', ...of.map((_, i) => `run ${i + 1}`)],
		models.map((m) => [
			m,
			...of.map((r) => (r.byModel[m] ? `${r.byModel[m].runs} × = ${round(r.byModel[m].ms)}` : '-'))
		])
	);
	const screens = [...new Set(of.flatMap((r) => Object.keys(r.byScreen)))];
	printTable(
		`${p}: per screen (ms)`,
		['screen', ...of.map((_, i) => `run ${i + 1}`)],
		screens.map((s) => [s, ...of.map((r) => round(r.byScreen[s] ?? 0))])
	);
}

mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(
	join(root, 'bench', 'out', 'flow-compute.json'),
	JSON.stringify(
		{
			date: new Date().toISOString(),
			cpus: cpus().length,
			cpuModel: cpus()[0]?.model,
			consentReadS: READ_S,
			budgetMs: BUDGET_MS,
			runs: results
		},
		null,
		2
	)
);
console.log('wrote bench/out/flow-compute.json');
