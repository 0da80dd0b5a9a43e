// Node side of the runtime interface: onnxruntime-node over the files models/stage.mjs put in static/.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import type { InferenceRuntime, ModelSession, TensorLike } from '../core/runtime.ts';
import { findModel, type StagedManifest } from './manifest.ts';

/**
 * Where the staged models are: ZV_STATIC_DIR, else the nearest ancestor of this module with `static/models` (the
 * sources: src/lib/runtime) or `client/models` (the built server: its chunks sit at different depths under build/,
 * and adapter-node copies static/ to build/client). The server's face engine is on by default, so it must find them
 * without configuration.
 */
function findStaticDir(): string {
	let dir = dirname(fileURLToPath(import.meta.url));
	for (let depth = 0; depth < 6; depth++) {
		for (const candidate of [join(dir, 'static'), join(dir, 'client')])
			if (existsSync(join(candidate, 'models', 'manifest.json'))) return candidate;
		dir = resolve(dir, '..');
	}
	return join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'), 'static');
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

/** An onnxruntime-node runtime whose sessions are created with these options, each model loaded once. */
export function createNodeRuntime(options: ort.InferenceSession.SessionOptions): InferenceRuntime {
	const sessions = new Map<string, Promise<ModelSession>>();
	return {
		name: `onnxruntime-node@${ort.env.versions?.node ?? 'unknown'}`,
		load(modelId) {
			let session = sessions.get(modelId);
			if (!session) {
				const { bytes } = readStagedFile(modelId);
				session = ort.InferenceSession.create(bytes, options) as unknown as Promise<ModelSession>;
				// A failed load must not stay cached: the next call retries.
				session.catch(() => sessions.delete(modelId));
				sessions.set(modelId, session);
			}
			return session;
		},
		tensor(type, data, dims): TensorLike {
			return new ort.Tensor(type, data, dims as number[]);
		}
	};
}

/** Tests and the CLI: one image at a time, so two intra-op threads. */
export const nodeRuntime = createNodeRuntime({ intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
