// Stores an ONNX model's large float32 weights as float16, halving the download, while keeping a valid float32
// graph: each converted initializer W becomes W__fp16 (FLOAT16) followed by a Cast(to=FLOAT) node whose output is W.
// Both onnxruntime-node and onnxruntime-web constant-fold those Casts when the session is created
// (graphOptimizationLevel 'all'), so inference runs on the same float32 kernels as before and no loader changes:
// the "expansion at load" is the runtime's own constant folding. Accuracy: models/notes/ocr.md.
//
// Protobuf and the graph walk: models/transforms/onnx-proto.mjs (restoreWeights); only ModelProto.graph and the
// weights it converts are re-encoded, every other byte is copied as it was.

import {
	concat,
	floatValues,
	FLOAT,
	FLOAT16,
	intAttribute,
	intField,
	lenField,
	MIN_WEIGHT_ELEMENTS,
	nodeProto,
	restoreWeights,
	strField
} from './onnx-proto.mjs';

// ---- float32 -> float16, round to nearest even ----
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function toHalf(value) {
	f32[0] = value;
	const x = u32[0];
	const sign = (x >>> 16) & 0x8000;
	const exp = (x >>> 23) & 0xff;
	let mant = x & 0x7fffff;
	if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
	const e = exp - 127 + 15;
	if (e >= 0x1f) return sign | 0x7c00;
	if (e <= 0) {
		if (e < -10) return sign;
		mant |= 0x800000;
		const shift = 14 - e;
		const half = 1 << (shift - 1);
		let m = mant >>> shift;
		const rest = mant & ((1 << shift) - 1);
		if (rest > half || (rest === half && m & 1)) m++;
		return sign | m;
	}
	let h = sign | (e << 10) | (mant >>> 13);
	const rest = mant & 0x1fff;
	if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
	return h;
}

/** A float32 TensorProto re-encoded as float16 (dims kept, optionally renamed), or null to leave it alone. */
function halfTensor(tf, rename) {
	const values = floatValues(tf);
	if (!values || values.length < MIN_WEIGHT_ELEMENTS) return null;
	if (values.some((v) => !Number.isFinite(v) || Math.abs(v) > 65504)) return null;
	const half = new Uint16Array(values.length);
	for (let i = 0; i < values.length; i++) half[i] = toHalf(values[i]);
	const nameField = tf.find((f) => f.field === 8);
	const name = nameField ? new TextDecoder().decode(nameField.value) : '';
	return concat([
		...tf.filter((f) => f.field === 1 || f.field === 3).map((f) => f.raw), // dims, segment
		intField(2, FLOAT16),
		...(rename || nameField ? [strField(8, rename ?? name)] : []),
		lenField(9, new Uint8Array(half.buffer))
	]);
}

/** Cast(to=FLOAT) from `input` to `output`. */
const castNode = (input, output) =>
	nodeProto('Cast', [input], [output], `${output}__fp16_cast`, [intAttribute('to', FLOAT)]);

/** Transform entry point (models/stage.mjs): ONNX bytes in, ONNX bytes with float16 weight storage out. */
export default function onnxFp16(bytes) {
	return restoreWeights(
		bytes,
		(tf, name, kind) => {
			// A Constant's tensor keeps its own name; an initializer is renamed, its Cast gives the old name.
			const half = halfTensor(tf, kind === 'initializer' ? `${name}__fp16` : undefined);
			if (!half) return null;
			return { tensors: [{ name: `${name}__fp16`, bytes: half }], nodes: [castNode(`${name}__fp16`, name)] };
		},
		'onnx-fp16'
	);
}
