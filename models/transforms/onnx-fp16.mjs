// Stores an ONNX model's large float32 weights as float16, halving the download, while keeping a valid float32
// graph: each converted initializer W becomes W__fp16 (FLOAT16) followed by a Cast(to=FLOAT) node whose output is W.
// Both onnxruntime-node and onnxruntime-web constant-fold those Casts when the session is created
// (graphOptimizationLevel 'all'), so inference runs on the same float32 kernels as before and no loader changes:
// the "expansion at load" is the runtime's own constant folding. Accuracy: models/notes/ocr.md.
//
// Protobuf: models/transforms/onnx-proto.mjs; only ModelProto.graph and the initializers it converts are
// re-encoded, every other byte is copied as it was.

import {
	concat,
	fields,
	floatValues,
	FLOAT,
	FLOAT16,
	intField,
	lenField,
	strField,
	text
} from './onnx-proto.mjs';

/** Initializers with fewer elements stay float32 (biases, scalars: no size to win, and exact constants). */
const MIN_ELEMENTS = 256;

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
function halfTensor(tensorBytes, rename) {
	const tf = fields(tensorBytes);
	if (tf.some((f) => f.field === 13 || f.field === 14)) return null; // external data, data_location
	const values = floatValues(tf);
	if (!values || values.length < MIN_ELEMENTS) return null;
	if (values.some((v) => !Number.isFinite(v) || Math.abs(v) > 65504)) return null;
	const half = new Uint16Array(values.length);
	for (let i = 0; i < values.length; i++) half[i] = toHalf(values[i]);
	const nameField = tf.find((f) => f.field === 8);
	const name = nameField ? new TextDecoder().decode(nameField.value) : '';
	return {
		name,
		bytes: concat([
			...tf.filter((f) => f.field === 1 || f.field === 3).map((f) => f.raw), // dims, segment
			intField(2, FLOAT16),
			...(rename || nameField ? [strField(8, rename ?? name)] : []),
			lenField(9, new Uint8Array(half.buffer))
		])
	};
}

/** NodeProto Cast(to=FLOAT) from `input` to `output`; AttributeProto: name(1) i(3) type(20)=INT(2). */
function castNode(input, output) {
	const attribute = concat([strField(1, 'to'), intField(3, FLOAT), intField(20, 2)]);
	return concat([
		strField(1, input),
		strField(2, output),
		strField(3, `${output}__fp16_cast`),
		strField(4, 'Cast'),
		lenField(5, attribute)
	]);
}

/** A Constant node holding a large float32 tensor -> [Constant(float16) -> name__fp16, Cast -> name], or null. */
function convertConstant(nodeBytes) {
	const nf = fields(nodeBytes);
	const op = nf.find((f) => f.field === 4);
	if (!op || text(op.value) !== 'Constant') return null;
	const outputs = nf.filter((f) => f.field === 2);
	const attrs = nf.filter((f) => f.field === 5).map((f) => fields(f.value));
	if (outputs.length !== 1 || attrs.length !== 1) return null;
	const attr = attrs[0];
	const attrName = attr.find((f) => f.field === 1);
	const t = attr.find((f) => f.field === 5);
	if (!attrName || text(attrName.value) !== 'value' || !t) return null;
	const half = halfTensor(t.value);
	if (!half) return null;
	const output = text(outputs[0].value);
	const attribute = concat([strField(1, 'value'), lenField(5, half.bytes), intField(20, 4)]); // TENSOR
	const constant = concat([
		strField(2, `${output}__fp16`),
		...nf.filter((f) => f.field === 3).map((f) => f.raw), // name
		strField(4, 'Constant'),
		lenField(5, attribute)
	]);
	return [lenField(1, constant), lenField(1, castNode(`${output}__fp16`, output))];
}

/** Transform entry point (models/stage.mjs): ONNX bytes in, ONNX bytes with float16 weight storage out. */
export default function onnxFp16(bytes) {
	const model = fields(new Uint8Array(bytes));
	const graphField = model.find((f) => f.field === 7);
	if (!graphField) throw new Error('onnx-fp16: no graph');
	const graph = fields(graphField.value);
	const inputs = new Set(
		graph.filter((f) => f.field === 11).map((f) => text(fields(f.value).find((g) => g.field === 1).value))
	);
	const casts = [];
	let converted = 0;
	const rebuilt = graph.map((f) => {
		if (f.field === 1) {
			// Weights as Constant nodes (paddle2onnx's way): the Cast follows its Constant, keeping the order.
			const nodes = convertConstant(f.value);
			if (!nodes) return f.raw;
			converted++;
			return concat(nodes);
		}
		if (f.field !== 5) return f.raw;
		const name = text(fields(f.value).find((g) => g.field === 8)?.value ?? new Uint8Array());
		// An initializer that is also a graph input (old IR) can be overridden by a feed: leave it alone.
		const half = inputs.has(name) ? null : halfTensor(f.value, `${name}__fp16`);
		if (!half) return f.raw;
		converted++;
		casts.push(lenField(1, castNode(`${name}__fp16`, name)));
		return lenField(5, half.bytes);
	});
	if (converted === 0) throw new Error('onnx-fp16: no float32 weights found to store as float16');
	// Casts of initializers go first, so the node list stays topologically sorted.
	const newGraph = concat([...casts, ...rebuilt]);
	return concat(model.map((f) => (f.field === 7 ? lenField(7, newGraph) : f.raw)));
}
