// Which test files read ../shared/fixtures, found by following each file's relative imports to
// tests/support/fixtures.ts. Every runner (the vitest projects, Playwright) asks here, so the rule is one: where the
// folder is absent those files are left out of the run with one line saying how many and how to provide them; under
// CI=true nothing is left out, so a missing fixture fails the run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fixturesDir } from './fixtures.ts';

const root = resolve(import.meta.dirname, '..', '..');
const helper = resolve(import.meta.dirname, 'fixtures.ts');
const RELATIVE_IMPORT = /\bfrom\s+'(\.{1,2}\/[^']+)'/g;

function testFiles(dir: string, suffix: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile() && e.name.endsWith(suffix))
		.map((e) => join(e.parentPath, e.name));
}

function readsFixtures(file: string, seen = new Set<string>()): boolean {
	if (file === helper) return true;
	if (seen.has(file) || !existsSync(file)) return false;
	seen.add(file);
	const source = readFileSync(file, 'utf8');
	for (const [, spec] of source.matchAll(RELATIVE_IMPORT)) {
		const target = resolve(dirname(file), spec);
		if (target.startsWith(join(root, 'tests')) && readsFixtures(target, seen)) return true;
	}
	return false;
}

/** The folder of each vitest project whose files the gate may leave out. */
export const PROJECT_DIRS: Readonly<Record<string, string>> = {
	unit: 'tests/unit',
	node: 'tests/node',
	integration: 'tests/integration',
	security: 'tests/security'
};

export interface FixtureGate {
	/** Test files to leave out, relative to the repository root (empty when the fixtures are there, or on CI). */
	exclude: string[];
	/** The line to print when files are left out. */
	notice: string | null;
}

/** The gate over the test files (named `*<suffix>`) under `dirs`, relative to the repository root. */
export function fixtureGate(dirs: readonly string[], suffix = '.test.ts'): FixtureGate {
	if (existsSync(fixturesDir) || process.env.CI === 'true') return { exclude: [], notice: null };
	const exclude = dirs
		.flatMap((d) => testFiles(join(root, d), suffix))
		.filter((f) => readsFixtures(f))
		.map((f) => relative(root, f))
		.sort();
	return {
		exclude,
		notice:
			`Skipped ${exclude.length} test files that read the fixtures: ${fixturesDir} is absent. ` +
			'Set ZV_FIXTURES to the fixtures folder (or lay it at ../shared/fixtures) to run them; CI=true fails instead.'
	};
}
