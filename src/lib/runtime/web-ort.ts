// Browser side of the runtime interface: onnxruntime-web (CPU WebAssembly, SIMD, threads when the page is
// cross-origin isolated) over the files models/stage.mjs put in static/. Every byte comes from our own origin
// and is checked against the staged manifest's sha256 before use, the WASM runtime included. Engine-agnostic:
// the face, OCR and photo workers all load their models through it.
import * as ort from 'onnxruntime-web/wasm';
import type { InferenceRuntime, ModelSession, TensorLike } from '../core/runtime.ts';
import { findModel } from './manifest.ts';
import { createStagedFetcher, type StagedFetcher, type StagedFetchOptions } from './web-staged.ts';

export interface WebRuntimeOptions extends StagedFetchOptions {
	/** Threads: 2 when cross-origin isolated (SharedArrayBuffer), else 1. */
	numThreads?: number;
	/** Where ort-wasm-simd-threaded.mjs is imported from; defaults to the staged /vendor/ort/ (Node tests override). */
	wasmPrefix?: string;
}

export const ORT_VERSION = '1.30.0';
const WASM_ID = 'ort.wasm';

export interface WebRuntime extends InferenceRuntime, StagedFetcher {}

export function createWebRuntime(options: WebRuntimeOptions = {}): WebRuntime {
	const base = (options.base ?? '/').replace(/\/?$/, '/');
	const { manifest, fetchVerified } = createStagedFetcher(options);
	let wasmReady: Promise<void> | null = null;
	const sessions = new Map<string, Promise<ModelSession>>();
	const url = (file: string) => base + file.replace(/^\//, '');

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
