// The files models/stage.mjs put in static/, fetched in the browser from our own origin and checked against the
// staged manifest's sha256 before a byte is used. No ML runtime here: the page loads a data table through it
// without onnxruntime (web-ort.ts builds its runtime on top of it).
import { sha256Hex } from '../core/bundle/encoding.ts';
import { findModel, type StagedFile, type StagedManifest } from './manifest.ts';

/**
 * The Cache Storage cache that keeps staged files on the phone: the service worker's cache-first route and the
 * fetcher below share it, so a file is downloaded once whichever of them sees it first. The fetcher does not wait
 * for the service worker: on a first visit the page and the workers it starts are not yet controlled by it, and
 * each worker used to download the 14 MB runtime again.
 */
export const STAGED_CACHE = 'zv-models';

/** The staged manifest (which bytes are current), relative to where static/ is served. */
export const STAGED_MANIFEST = 'models/manifest.json';

/** Cache-first through STAGED_CACHE where Cache Storage exists (secure contexts), the network otherwise. */
async function cacheFirst(input: string, fresh: boolean): Promise<Response> {
	const cache = typeof caches === 'undefined' ? null : await caches.open(STAGED_CACHE).catch(() => null);
	if (!cache) return fetch(input);
	if (fresh) await cache.delete(input);
	const hit = await cache.match(input);
	if (hit) return hit;
	const response = await fetch(input);
	// A full quota only costs the next visit a download; this one goes on with the network's copy.
	if (response.ok) await cache.put(input, response.clone()).catch(() => undefined);
	return response;
}

export interface StagedFetchOptions {
	/** Download progress over every file asked for so far, in bytes; `id` names the file. */
	onProgress?: (loaded: number, total: number, id: string) => void;
	/** Where static/ is served; '/' in the app. */
	base?: string;
	/** Replaces the cache-first fetch (Node tests). */
	fetch?: typeof fetch;
}

export interface StagedFetcher {
	manifest(): Promise<StagedManifest>;
	/** Downloads and verifies a staged file (model, runtime or data) by manifest id. */
	fetchVerified(id: string): Promise<Uint8Array>;
}

export function createStagedFetcher(options: StagedFetchOptions = {}): StagedFetcher {
	const base = (options.base ?? '/').replace(/\/?$/, '/');
	// The manifest always from the network (it says which bytes are current); staged files cache-first, `fresh`
	// when a cached copy failed its check.
	const fetchManifest = options.fetch ?? ((input: string) => fetch(input));
	const fetchFile = (input: string, fresh: boolean) =>
		options.fetch ? options.fetch(input) : cacheFirst(input, fresh);
	const url = (file: string) => base + file.replace(/^\//, '');
	const progress = new Map<string, { loaded: number; total: number }>();
	let manifestPromise: Promise<StagedManifest> | null = null;

	function report(id: string, loaded: number, total: number) {
		progress.set(id, { loaded, total });
		if (!options.onProgress) return;
		let l = 0;
		let t = 0;
		for (const p of progress.values()) {
			l += p.loaded;
			t += p.total;
		}
		options.onProgress(l, t, id);
	}

	function manifest(): Promise<StagedManifest> {
		manifestPromise ??= fetchManifest(url(STAGED_MANIFEST)).then(async (r) => {
			if (!r.ok) throw new Error(`model manifest: HTTP ${r.status}; run \`npm run models\``);
			return (await r.json()) as StagedManifest;
		});
		manifestPromise.catch(() => (manifestPromise = null));
		return manifestPromise;
	}

	async function download(entry: StagedFile, fresh: boolean): Promise<Uint8Array> {
		const response = await fetchFile(url(entry.file), fresh);
		if (!response.ok || !response.body)
			throw new Error(`${entry.id}: HTTP ${response.status} for ${entry.file}`);
		// Content-Length may be the compressed size; the manifest's size is what the bytes must add up to.
		const bytes = new Uint8Array(entry.size);
		const reader = response.body.getReader();
		let offset = 0;
		report(entry.id, 0, entry.size);
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			if (offset + value.length > bytes.length) throw new Error(`${entry.id}: larger than the manifest says`);
			bytes.set(value, offset);
			offset += value.length;
			report(entry.id, offset, entry.size);
		}
		if (offset !== entry.size) throw new Error(`${entry.id}: ${offset} bytes, manifest says ${entry.size}`);
		return bytes;
	}

	/** The file's bytes if they pass their check, else null (`fresh`: the error as thrown). */
	async function verified(entry: StagedFile, fresh: boolean): Promise<Uint8Array | null> {
		const bytes = await download(entry, fresh).catch((error: unknown) => {
			if (fresh) throw error;
			return null;
		});
		if (!bytes) return null;
		const sha = await sha256Hex(bytes);
		if (sha === entry.sha256) return bytes;
		if (fresh) throw new Error(`model "${entry.id}": sha256 mismatch (${sha} ≠ ${entry.sha256})`);
		return null;
	}

	async function fetchVerified(id: string): Promise<Uint8Array> {
		const entry = findModel(await manifest(), id);
		// A cached copy that fails its check (an older deployment's file, a damaged entry) is fetched again once;
		// the fresh attempt throws rather than answer null.
		return (await verified(entry, false)) ?? (await verified(entry, true))!;
	}

	return { manifest, fetchVerified };
}

/**
 * A staged script's verified bytes as a URL that a dynamic import (and the workers onnxruntime's threaded build
 * starts from it) can load. Importing the file by its path instead would fetch it a second time, unchecked: from
 * the network in a worker the service worker does not control yet, through the service worker in one it does.
 */
export function verifiedScriptUrl(bytes: Uint8Array): string {
	return URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'text/javascript' }));
}
