#!/usr/bin/env node
// `npm run bench`: runs every tests/bench/*.bench.ts in turn (each prints its table and writes
// bench/out/<name>.json), or only those named: `npm run bench -- face photo`, then the targets table (summary.ts).
// The budget-phone bench (throttle.bench.ts, several minutes under CPU throttling) runs only when named or when
// ZV_BENCH_THROTTLE is set (e.g. `ZV_BENCH_THROTTLE=4,6 npm run bench`), so the default run is no longer for it.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
	.filter((f) => f.endsWith('.bench.ts'))
	.filter((f) => !wanted.length || wanted.includes(f.replace('.bench.ts', '')))
	.filter((f) => f !== 'throttle.bench.ts' || wanted.length || process.env.ZV_BENCH_THROTTLE)
	// The browser benchmarks last: they build the app if needed and are the slowest.
	.sort((a, b) => slow(a) - slow(b) || a.localeCompare(b));

function slow(file) {
	return ['browser.bench.ts', 'throttle.bench.ts'].indexOf(file) + 1;
}

const staged = spawnSync('node', [join(here, '..', '..', 'models', 'stage.mjs')], { stdio: 'inherit' });
if (staged.status !== 0) process.exit(staged.status ?? 1);

/** Runs of a bench with their settings: the first-read bench once per flow shape (one side; both sides). */
const variants = (file) => (file === 'first-read.bench.ts' ? [{}, { ZV_BENCH_PROVINCE: 'beijing' }] : [{}]);

const failed = [];
let runs = 0;
for (const file of benches)
	for (const settings of variants(file)) {
		const name = [file, ...Object.entries(settings).map(([k, v]) => `${k}=${v}`)].join(' ');
		console.log(`\n=== ${name} ===`);
		const run = spawnSync('npx', ['tsx', join(here, file)], {
			stdio: 'inherit',
			env: { ...process.env, ...settings }
		});
		runs++;
		if (run.status !== 0) failed.push(name);
	}
console.log(`\n${runs - failed.length} of ${runs} benchmark run(s) passed, results in bench/out/`);
// One table of the issues' targets with each benchmark's latest figure (also bench/out/targets.json).
spawnSync('npx', ['tsx', join(here, 'summary.ts')], { stdio: 'inherit' });
if (failed.length) {
	console.error(`failed: ${failed.join(', ')}`);
	process.exit(1);
}
