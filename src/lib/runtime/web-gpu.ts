// onnxruntime-web's WebGPU build, for the models the core's inferenceProvider rule sends to the GPU. A separate
// module (and a separate, larger WASM: the asyncify build the WebGPU provider needs) fetched only on phones that
// use it. A session is only handed out after one run on the GPU has worked: shader compilation and device loss
// show up there, and the caller then falls back to WASM before the candidate sees anything.
import type { ModelSession, TensorLike } from '../core/runtime.ts';
import { verifiedScriptUrl } from './web-staged.ts';

const GPU_WASM_ID = 'ort.webgpu.wasm';
const GPU_LOADER_ID = 'ort.webgpu.mjs';

export interface GpuLoadContext {
	fetchVerified(id: string): Promise<Uint8Array>;
	numThreads: number;
}

type GpuOrt = typeof import('onnxruntime-web/webgpu');
let gpuOrt: Promise<GpuOrt> | null = null;

interface GpuAdapter {
	isFallbackAdapter?: boolean;
	info?: { isFallbackAdapter?: boolean };
}

/** What WebGPU this context offers: a hardware adapter, a software ("fallback") one, or none. */
export async function gpuAdapterKind(): Promise<'hardware' | 'fallback' | null> {
	if (typeof navigator === 'undefined' || !('gpu' in navigator)) return null;
	const gpu = (navigator as Navigator & { gpu: { requestAdapter(): Promise<GpuAdapter | null> } }).gpu;
	const adapter = await gpu.requestAdapter().catch(() => null);
	if (!adapter) return null;
	return (adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) ? 'fallback' : 'hardware';
}

function initGpu(context: GpuLoadContext): Promise<GpuOrt> {
	gpuOrt ??= (async () => {
		if (!(await gpuAdapterKind())) throw new Error('no WebGPU adapter');
		const ortGpu = await import('onnxruntime-web/webgpu');
		ortGpu.env.wasm.numThreads = context.numThreads;
		ortGpu.env.wasm.wasmPaths = { mjs: verifiedScriptUrl(await context.fetchVerified(GPU_LOADER_ID)) };
		ortGpu.env.wasm.wasmBinary = await context.fetchVerified(GPU_WASM_ID);
		return ortGpu;
	})();
	gpuOrt.catch(() => (gpuOrt = null));
	return gpuOrt;
}

/** Zeros of each input's declared shape (symbolic dimensions as 1), for the trial run. */
function trialFeeds(ortGpu: GpuOrt, session: import('onnxruntime-web/webgpu').InferenceSession) {
	const feeds: Record<string, import('onnxruntime-web/webgpu').Tensor> = {};
	for (const meta of session.inputMetadata) {
		if (!meta.isTensor) throw new Error(`input ${meta.name} is not a tensor`);
		const dims = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
		feeds[meta.name] = new ortGpu.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
	}
	return feeds;
}

export async function loadGpuSession(bytes: Uint8Array, context: GpuLoadContext): Promise<ModelSession> {
	const ortGpu = await initGpu(context);
	const session = await ortGpu.InferenceSession.create(bytes, {
		executionProviders: ['webgpu'],
		graphOptimizationLevel: 'all'
	});
	await session.run(trialFeeds(ortGpu, session));
	return {
		inputNames: session.inputNames,
		outputNames: session.outputNames,
		// The core builds its tensors with the WASM build's Tensor class; this build only accepts its own.
		async run(feeds: Record<string, TensorLike>) {
			const own: Record<string, import('onnxruntime-web/webgpu').Tensor> = {};
			for (const [name, t] of Object.entries(feeds))
				own[name] = new ortGpu.Tensor(t.type as 'float32', t.data as Float32Array, t.dims as number[]);
			return (await session.run(own)) as unknown as Record<string, TensorLike>;
		},
		release: () => session.release()
	};
}
