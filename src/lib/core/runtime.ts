/**
 * The small surface the core needs from an ML runtime. onnxruntime-web (browser worker) and
 * onnxruntime-node (tests, CLI, server) both satisfy it, so every model runs through the same core code.
 */
export type TensorData = Float32Array | Int32Array | Uint8Array | BigInt64Array;

export interface TensorLike {
	readonly type: string;
	readonly data: TensorData | readonly unknown[];
	readonly dims: readonly number[];
}

export interface ModelSession {
	readonly inputNames: readonly string[];
	readonly outputNames: readonly string[];
	run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
	release?(): Promise<void>;
}

export interface InferenceRuntime {
	/** Loads a model by its id in the model manifest (e.g. "face.detect"); the runtime checks its sha256. */
	load(modelId: string): Promise<ModelSession>;
	/** Builds an input tensor in the runtime's own Tensor class. */
	tensor(type: 'float32', data: Float32Array, dims: readonly number[]): TensorLike;
	/** Identifies the runtime in result bundles and benchmarks, e.g. "onnxruntime-node@1.30.0". */
	readonly name: string;
}

/** What a model manifest entry says about one staged file; bundles carry id and sha256. */
export interface ModelInfo {
	id: string;
	file: string;
	sha256: string;
	size: number;
	package: string;
	version: string;
	license: string;
}
