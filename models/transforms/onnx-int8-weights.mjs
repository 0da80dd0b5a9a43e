// Stores an ONNX model's large float32 weights as 8-bit integers, a quarter of their float32 size, while keeping
// a valid float32 graph: each converted weight W becomes an INT8 tensor W__w8 (symmetric, one scale per slice
// along the first axis, the output channel of a Conv weight: scale = max|W_c| / 127, rounded to nearest), a
// FLOAT tensor W__w8_scale of shape [C, 1, ...], and Cast(to=FLOAT) -> Mul nodes whose output is W. Both
// onnxruntime-node and onnxruntime-web constant-fold the Cast and the Mul when the session is created, so
// inference runs the same float32 kernels as with the original, only on rounded weights; no opset change (per-axis
// DequantizeLinear would need opset 13, which changes other ops' meaning). Unlike onnx-int8.mjs nothing about
// activations is quantised. Accuracy: models/notes/ocr.md.

import {
	FLOAT,
	floatValues,
	INT8,
	intAttribute,
	MIN_WEIGHT_ELEMENTS,
	nodeProto,
	restoreWeights,
	tensorProto,
	varints
} from './onnx-proto.mjs';

/** `W__w8` (int8) and `W__w8_scale` (float32, [C, 1, ...]) for a float32 weight of >= 2 axes, or null. */
function quantise(tf, name) {
	const values = floatValues(tf);
	const dims = varints(tf.filter((f) => f.field === 1));
	if (!values || values.length < MIN_WEIGHT_ELEMENTS || dims.length < 2) return null;
	if (values.some((v) => !Number.isFinite(v))) return null;
	const channels = dims[0];
	const per = values.length / channels;
	const q = new Int8Array(values.length);
	const scales = new Float32Array(channels);
	for (let c = 0; c < channels; c++) {
		let max = 0;
		for (let i = c * per; i < (c + 1) * per; i++) max = Math.max(max, Math.abs(values[i]));
		const scale = Math.fround(max / 127);
		scales[c] = scale;
		if (scale === 0) continue;
		for (let i = c * per; i < (c + 1) * per; i++) {
			const v = values[i] / scale;
			q[i] = Math.sign(v) * Math.min(127, Math.round(Math.abs(v)));
		}
	}
	const scaleDims = [channels, ...dims.slice(1).map(() => 1)];
	return {
		tensors: [
			{ name: `${name}__w8`, bytes: tensorProto(`${name}__w8`, INT8, dims, q) },
			{ name: `${name}__w8_scale`, bytes: tensorProto(`${name}__w8_scale`, FLOAT, scaleDims, scales) }
		],
		nodes: [
			nodeProto('Cast', [`${name}__w8`], [`${name}__w8_float`], `${name}__w8_cast`, [
				intAttribute('to', FLOAT)
			]),
			nodeProto('Mul', [`${name}__w8_float`, `${name}__w8_scale`], [name], `${name}__w8_mul`)
		]
	};
}

/** Transform entry point (models/stage.mjs): ONNX bytes in, ONNX bytes with 8-bit weight storage out. */
export default function onnxInt8Weights(bytes) {
	return restoreWeights(bytes, quantise, 'onnx-int8-weights');
}
