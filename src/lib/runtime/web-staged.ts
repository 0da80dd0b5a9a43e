// The files models/stage.mjs put in static/, fetched in the browser from our own origin and checked against the
// staged manifest's sha256 before a byte is used. No ML runtime here: the page loads a data table through it
// without onnxruntime (web-ort.ts builds its runtime on top of it).
import { sha256Hex } from '../core/bundle/encoding.ts';
import { findModel, type StagedFile, type StagedManifest } from './manifest.ts';

export interface StagedFetchOptions {
	/** Download progress over every file asked for so far, in bytes; `id` names the file. */
	onProgress?: (loaded: number, total: number, id: string) => void;
	/** Where static/ is served; '/' in the app. */
	base?: string;
	/** Overridable for tests (Node) and for a caching fetch. */
	fetch?: typeof fetch;
}

export interface StagedFetcher {
	manifest(): Promise<StagedManifest>;
	/** Downloads and verifies a staged file (model, runtime or data) by manifest id. */
	fetchVerified(id: string): Promise<Uint8Array>;
}

export function createStagedFetcher(options: StagedFetchOptions = {}): StagedFetcher {
	const base = (options.base ?? '/').replace(/\/?$/, '/');
	const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
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
		manifestPromise ??= doFetch(url('models/manifest.json')).then(async (r) => {
			if (!r.ok) throw new Error(`model manifest: HTTP ${r.status}; run \`npm run models\``);
			return (await r.json()) as StagedManifest;
		});
		manifestPromise.catch(() => (manifestPromise = null));
		return manifestPromise;
	}

	async function download(entry: StagedFile): Promise<Uint8Array> {
		const response = await doFetch(url(entry.file));
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

	async function fetchVerified(id: string): Promise<Uint8Array> {
		const entry = findModel(await manifest(), id);
		const bytes = await download(entry);
		const sha = await sha256Hex(bytes);
		if (sha !== entry.sha256) throw new Error(`model "${id}": sha256 mismatch (${sha} ≠ ${entry.sha256})`);
		return bytes;
	}

	return { manifest, fetchVerified };
}
