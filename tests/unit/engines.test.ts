// The Node versions the project declares are the ones every installed dependency declares too: Node 20 is past its
// upstream end of life and packages drop it in minor releases, so an update that would break the 20.19 floor, or a
// current LTS line, fails here instead of on a candidate's exam office server.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const project = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	engines: { node: string };
};
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
	packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

/** The Node the project promises to run on: 20.19+ and the current LTS lines. */
const declared = project.engines.node;

/** Installed packages (optional ones for another platform are not on disk) and the Node range each declares. */
function installedEngines(): { name: string; node: string }[] {
	return Object.entries(lock.packages).flatMap(([path, entry]) => {
		const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
		if (!path || !node || !existsSync(join(root, path, 'package.json'))) return [];
		return [{ name: `${path.replace(/^.*node_modules\//, '')}@${entry.version}`, node }];
	});
}

describe('Node versions', () => {
	it('declares the 20.19 floor and every current LTS line, and runs on the Node at hand', () => {
		for (const version of ['20.19.0', '22.13.0', '24.0.0', '26.0.0'])
			expect(semver.satisfies(version, declared), version).toBe(true);
		expect(semver.satisfies(process.version, declared), process.version).toBe(true);
	});

	it('declares only versions every installed dependency declares', () => {
		const packages = installedEngines();
		expect(packages.length).toBeGreaterThan(50);
		const narrower = packages.filter((p) => !semver.subset(declared, p.node));
		expect(narrower.map((p) => `${p.name} wants node ${p.node}`)).toEqual([]);
	});
});
