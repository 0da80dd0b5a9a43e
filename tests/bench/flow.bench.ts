// Phone-flow benchmark: Lighthouse (mobile emulation, Debian Chromium via CHROME_PATH, no network beyond
// localhost) on every page a candidate or a kiosk operator opens, and the gzipped JavaScript the phone page loads
// before any model. Builds the app if build/ is missing, runs it on its own port and fresh database.
// Writes bench/out/flow.json. Run: npx tsx tests/bench/flow.bench.ts
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEMO_IDS } from '../e2e/support/flow.ts';
import { root, startBenchApp } from './app-server.ts';

const port = Number(process.env.ZV_BENCH_PORT ?? 3251);
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const lighthouseVersion = (
	JSON.parse(readFileSync(join(root, 'node_modules', 'lighthouse', 'package.json'), 'utf8')) as {
		version: string;
	}
).version;

const app = await startBenchApp(port);
const { origin } = app;
const phoneLink = () => app.phoneLink(DEMO_IDS.hubei);

interface Row {
	page: string;
	performance: number | null;
	accessibility: number | null;
	bestPractices: number | null;
	lcpMs: number | null;
	tbtMs: number | null;
	scriptGzipBytes: number;
	scripts: number;
}

const chrome = await chromeLauncher.launch({
	chromePath,
	chromeFlags: [
		'--headless=new',
		'--no-sandbox',
		'--disable-gpu',
		'--no-first-run',
		'--disable-background-networking'
	]
});
const rows: Row[] = [];
try {
	const pages: [string, () => Promise<string>][] = [
		['home /', async () => `${origin}/`],
		['PC QR /pc', async () => `${origin}/pc`],
		['phone /m/<token> (consent)', phoneLink],
		['kiosk /kiosk', async () => `${origin}/kiosk`]
	];
	for (const [name, url] of pages) {
		const result = await lighthouse(await url(), {
			port: chrome.port,
			output: 'json',
			logLevel: 'error',
			formFactor: 'mobile',
			onlyCategories: ['performance', 'accessibility', 'best-practices']
		});
		const lhr = result!.lhr;
		const items =
			(lhr.audits['network-requests']?.details as { items?: { url: string; resourceType?: string }[] })
				?.items ?? [];
		// Gzip what was actually loaded from build/client, so the size does not depend on the server's encoding.
		const scripts = items.filter((i) => i.resourceType === 'Script' && i.url.startsWith(origin));
		let gz = 0;
		for (const s of scripts) {
			const file = join(root, 'build', 'client', new URL(s.url).pathname);
			if (existsSync(file)) gz += gzipSync(readFileSync(file), { level: 9 }).length;
		}
		const score = (id: string) => {
			const v = lhr.categories[id]?.score;
			return v === null || v === undefined ? null : Math.round(v * 100);
		};
		rows.push({
			page: name,
			performance: score('performance'),
			accessibility: score('accessibility'),
			bestPractices: score('best-practices'),
			lcpMs: Math.round(lhr.audits['largest-contentful-paint']?.numericValue ?? 0) || null,
			tbtMs: Math.round(lhr.audits['total-blocking-time']?.numericValue ?? 0),
			scriptGzipBytes: gz,
			scripts: scripts.length
		});
	}
} finally {
	chrome.kill();
	app.stop();
}

console.log(
	`\nLighthouse ${lighthouseVersion} mobile, Chromium ${chromePath}, load average ${loadavg()[0].toFixed(2)}`
);
console.table(
	rows.map((r) => ({
		page: r.page,
		perf: r.performance,
		a11y: r.accessibility,
		'best pr.': r.bestPractices,
		'LCP ms': r.lcpMs,
		'TBT ms': r.tbtMs,
		'JS gz KiB': (r.scriptGzipBytes / 1024).toFixed(1),
		scripts: r.scripts
	}))
);
const phone = rows.find((r) => r.page.startsWith('phone'));
console.log(`phone shell JavaScript, gzipped: ${((phone?.scriptGzipBytes ?? 0) / 1024).toFixed(1)} KiB`);

mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(
	join(root, 'bench', 'out', 'flow.json'),
	JSON.stringify(
		{
			at: new Date().toISOString(),
			lighthouse: lighthouseVersion,
			chromium: chromePath,
			loadavg: loadavg()[0],
			pages: rows,
			phoneShellJsGzipBytes: phone?.scriptGzipBytes ?? null
		},
		null,
		'\t'
	) + '\n'
);
