// Browser side of the runtime interface: onnxruntime-web (CPU WebAssembly, SIMD, threads when the page is
// cross-origin isolated) over the files models/stage.mjs put in static/. Every byte comes from our own origin
// and is checked against the staged manifest's sha256 before use, the WASM runtime included. Engine-agnostic:
// the face, OCR and photo workers all load their models through it.
import * as ort from 'onnxruntime-web/wasm';
import type { InferenceRuntime, ModelSession, TensorLike } from '../core/runtime.ts';
import { findModel, type StagedFile, type StagedManifest } from './manifest.ts';

export interface WebRuntimeOptions {
	/** Download progress over every file this runtime has been asked for so far, in bytes; `id` names the file. */
	onProgress?: (loaded: number, total: number, id: string) => void;
	/** Where static/ is served; '/' in the app. */
	base?: string;
	/** Overridable for tests (Node) and for a caching fetch. */
	fetch?: typeof fetch;
	/** Threads: 2 when cross-origin isolated (SharedArrayBuffer), else 1. */
	numThreads?: number;
	/** Where ort-wasm-simd-threaded.mjs is imported from; defaults to the staged /vendor/ort/ (Node tests override). */
	wasmPrefix?: string;
}

export const ORT_VERSION = '1.30.0';
const WASM_ID = 'ort.wasm';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface WebRuntime extends InferenceRuntime {
	manifest(): Promise<StagedManifest>;
	/** Downloads and verifies a staged file (model, runtime or data) by manifest id. */
	fetchVerified(id: string): Promise<Uint8Array>;
}

export function createWebRuntime(options: WebRuntimeOptions = {}): WebRuntime {
	const base = (options.base ?? '/').replace(/\/?$/, '/');
	const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
	const progress = new Map<string, { loaded: number; total: number }>();
	let manifestPromise: Promise<StagedManifest> | null = null;
	let wasmReady: Promise<void> | null = null;
	const sessions = new Map<string, Promise<ModelSession>>();

	const url = (file: string) => base + file.replace(/^\//, '');

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

	function initWasm(): Promise<void> {
		wasmReady ??= (async () => {
			const m = await manifest();
			ort.env.wasm.numThreads =
				options.numThreads ?? (typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated ? 2 : 1);
			// Self-hosted loader (the threaded build's workers import it); the binary is handed over already verified.
			ort.env.wasm.wasmPaths =
				options.wasmPrefix ?? url(findModel(m, 'ort.wasm.mjs').file).replace(/[^/]*$/, '');
			ort.env.wasm.wasmBinary = await fetchVerified(WASM_ID);
		})();
		wasmReady.catch(() => (wasmReady = null));
		return wasmReady;
	}

	return {
		name: `onnxruntime-web@${ORT_VERSION}`,
		manifest,
		fetchVerified,
		load(modelId) {
			let s = sessions.get(modelId);
			if (!s) {
				s = (async () => {
					const [bytes] = await Promise.all([fetchVerified(modelId), initWasm()]);
					const session = await ort.InferenceSession.create(bytes, {
						executionProviders: ['wasm'],
						graphOptimizationLevel: 'all'
					});
					return session as unknown as ModelSession;
				})();
				s.catch(() => sessions.delete(modelId));
				sessions.set(modelId, s);
			}
			return s;
		},
		tensor(type, data, dims): TensorLike {
			return new ort.Tensor(type, data, dims as number[]);
		}
	};
}
