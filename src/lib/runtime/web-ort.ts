// Browser side of the runtime interface: onnxruntime-web (CPU WebAssembly, SIMD, threads when the page is
// cross-origin isolated) over the files models/stage.mjs put in static/. Every byte comes from our own origin
// and is checked against the staged manifest's sha256 before use, the WASM runtime included. Engine-agnostic:
// the face, OCR and photo workers all load their models through it. Models named in `gpuModels` run on
// onnxruntime-web's WebGPU build instead (./web-gpu.ts), falling back to the WASM one when that fails.
import * as ort from 'onnxruntime-web/wasm';
import type { InferenceRuntime, ModelSession, TensorLike } from '../core/runtime.ts';
import { MODEL_SPAN, traced } from './measured.ts';
import { loadGpuSession } from './web-gpu.ts';
import {
	createStagedFetcher,
	verifiedScriptUrl,
	type StagedFetcher,
	type StagedFetchOptions
} from './web-staged.ts';

export interface WebRuntimeOptions extends StagedFetchOptions {
	/** Threads: 2 when cross-origin isolated (SharedArrayBuffer), else 1. */
	numThreads?: number;
	/** Where ort-wasm-simd-threaded.mjs is imported from (Node tests); by default its staged, verified bytes. */
	wasmPrefix?: string;
	/** Model ids to run on WebGPU (chosen by the core's inferenceProvider rule); empty or absent: all on WASM. */
	gpuModels?: readonly string[];
	/**
	 * Whether the WASM threads spin while they wait for work (onnxruntime's default) instead of sleeping. Spinning
	 * saves a wake-up per operator, and costs the page the core when the threads outnumber the free ones.
	 */
	spinning?: boolean;
}

export const ORT_VERSION = '1.30.0';
const WASM_ID = 'ort.wasm';
const LOADER_ID = 'ort.wasm.mjs';

/** Where each loaded model runs: 'webgpu', or 'wasm' (asked for or fallen back to). */
export type ModelProviders = Record<string, 'wasm' | 'webgpu'>;

export interface WebRuntime extends InferenceRuntime, StagedFetcher {
	providers(): ModelProviders;
	/** The threads the WASM build runs on once a model has loaded: as asked, or 1 where threads could not start. */
	threads(): number;
}

export function createWebRuntime(options: WebRuntimeOptions = {}): WebRuntime {
	const { manifest, fetchVerified } = createStagedFetcher(options);
	const gpuModels = new Set(options.gpuModels ?? []);
	const providers: ModelProviders = {};
	let wasmReady: Promise<void> | null = null;
	const sessions = new Map<string, Promise<ModelSession>>();
	const threads = () =>
		options.numThreads ?? (typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated ? 2 : 1);

	function initWasm(): Promise<void> {
		wasmReady ??= (async () => {
			ort.env.wasm.numThreads = threads();
			// The loader (the threaded build's workers import it too) and the binary, both handed over verified.
			ort.env.wasm.wasmPaths = options.wasmPrefix ?? {
				mjs: verifiedScriptUrl(await fetchVerified(LOADER_ID))
			};
			ort.env.wasm.wasmBinary = await fetchVerified(WASM_ID);
		})();
		wasmReady.catch(() => (wasmReady = null));
		return wasmReady;
	}

	async function loadWasm(modelId: string, bytes: Uint8Array): Promise<ModelSession> {
		await initWasm();
		const session = await ort.InferenceSession.create(bytes, {
			executionProviders: ['wasm'],
			graphOptimizationLevel: 'all',
			...(options.spinning === false && { extra: { session: { intra_op: { allow_spinning: '0' } } } })
		});
		providers[modelId] = 'wasm';
		return session as unknown as ModelSession;
	}

	async function load(modelId: string): Promise<ModelSession> {
		const bytes = await fetchVerified(modelId);
		if (gpuModels.has(modelId)) {
			const gpu = await loadGpuSession(bytes, {
				fetchVerified,
				numThreads: threads()
			}).catch((error: unknown) => {
				// The candidate must not notice: the same model on WASM gives the same outputs, only slower.
				console.warn(`WebGPU unavailable for ${modelId}, using WASM:`, error);
				return null;
			});
			if (gpu) {
				providers[modelId] = 'webgpu';
				return gpu;
			}
		}
		return loadWasm(modelId, bytes);
	}

	/** Each run is a traced span `model <id>`: what a benchmark adds up as a flow's model time. */
	async function loadTraced(modelId: string): Promise<ModelSession> {
		const session = await load(modelId);
		const span = `${MODEL_SPAN}${modelId}`;
		return {
			inputNames: session.inputNames,
			outputNames: session.outputNames,
			run: (feeds) => traced(span, () => session.run(feeds)),
			release: session.release && (() => session.release!())
		};
	}

	return {
		name: `onnxruntime-web@${ORT_VERSION}`,
		manifest,
		fetchVerified,
		providers: () => ({ ...providers }),
		// onnxruntime sets it back to 1 when the page cannot run WebAssembly threads.
		threads: () => ort.env.wasm.numThreads ?? threads(),
		load(modelId) {
			let s = sessions.get(modelId);
			if (!s) {
				s = loadTraced(modelId);
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
