// The files models/stage.mjs put in static/, read in Node (tests, CLI, server) and checked against the staged
// manifest's sha256. No ML runtime here, so the server can read a data table without loading onnxruntime.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findModel, type StagedManifest } from './manifest.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** static/ beside the sources, or the built app's client/ (adapter-node copies static/ there), nearest first. */
function findStaticDir(): string {
	for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) {
		for (const candidate of [join(dir, 'static'), join(dir, 'client')]) {
			if (existsSync(join(candidate, 'models', 'manifest.json'))) return candidate;
		}
	}
	return resolve(here, '..', '..', '..', 'static');
}

export const staticDir = process.env.ZV_STATIC_DIR ?? findStaticDir();

let manifestCache: StagedManifest | null = null;
export function loadManifest(): StagedManifest {
	if (manifestCache) return manifestCache;
	const path = join(staticDir, 'models', 'manifest.json');
	if (!existsSync(path)) throw new Error(`no staged models at ${path}; run \`npm run models\``);
	manifestCache = JSON.parse(readFileSync(path, 'utf8')) as StagedManifest;
	return manifestCache;
}

/** Reads a staged file and refuses it if its bytes are not the ones the manifest names. */
export function readStagedFile(id: string): { bytes: Uint8Array; sha256: string } {
	const entry = findModel(loadManifest(), id);
	const bytes = readFileSync(join(staticDir, entry.file));
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	if (sha256 !== entry.sha256)
		throw new Error(`model "${id}": sha256 mismatch (${sha256} ≠ ${entry.sha256})`);
	return { bytes, sha256 };
}
