// Types for the TypeScript callers of onnx-int8.mjs (tests/node/face/int8.test.ts, onnx-int8-calibrate.ts).

/** A graph node, parsed enough to rewire it; `attributes` holds INT and INTS attributes. */
export interface OnnxNode {
	op: string;
	inputs: string[];
	outputs: string[];
	attributes: Record<string, number | number[]>;
}

export function parseModel(bytes: Uint8Array): {
	nodes: OnnxNode[];
	initializers: Map<string, { dims: number[]; values: Float32Array | null }>;
};

/** The same model with extra float graph outputs, for reading intermediate activations. */
export function withOutputs(bytes: Uint8Array, names: string[]): Uint8Array;

/** The staging transform: the manifest entry names the calibration table (by id) and the source's sha256. */
export default function onnxInt8(bytes: Uint8Array, entry: { id: string; sha256: string }): Uint8Array;
