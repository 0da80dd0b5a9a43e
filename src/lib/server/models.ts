// The model allow-list, read once from the staged manifest. Without a staged manifest (a bare checkout) the
// server refuses any bundle that names a model, rather than accepting unknown ones.
import { readFileSync } from 'node:fs';
import { allowListFromManifest } from '../core/bundle/allow-list.ts';
import { config } from './config.ts';

let cached: Map<string, string> | null = null;

export function modelAllowList(): ReadonlyMap<string, string> {
	if (cached) return cached;
	for (const path of [config.modelsManifest, 'build/client/models/manifest.json']) {
		try {
			cached = allowListFromManifest(JSON.parse(readFileSync(path, 'utf8')));
			return cached;
		} catch {
			/* try the next location */
		}
	}
	cached = new Map();
	return cached;
}
