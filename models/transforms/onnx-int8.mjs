// Static int8 quantization of chosen Conv layers, in ONNX's QDQ form: each chosen Conv reads its activation
// through QuantizeLinear -> DequantizeLinear (uint8, per tensor, ranges from a committed calibration table),
// its weights through DequantizeLinear of int8 (7-bit range) per-output-channel symmetric weights, its bias
// as int32 (scale = input scale x weight scale), and its output goes through QuantizeLinear ->
// DequantizeLinear too. onnxruntime (node and web) fuses every DQ -> Conv -> Q group into one QLinearConv
// when the session is created, so inference runs MLAS's u8 x s8 GEMM kernels; everything else (PRelu,
// depthwise convs, ...) stays float32 and reads the dequantized values, so the graph stays valid for any ONNX
// runtime.
//
// Which layers and which ranges come from models/transforms/int8/<model id>.json, written by
// models/transforms/onnx-int8-calibrate.ts from the float model's own activations on fixture faces; the table
// names the source model's sha256 and this transform refuses any other source. Why only 1x1 convs, and what
// it costs in accuracy and wins in speed: models/notes/face.md ("int8").
//
// The model's default-domain opset is raised to 13 (per-channel DequantizeLinear needs it); that is only safe
// for ops whose meaning did not change since the model's opset, so any other op stops the transform.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	concat,
	fields,
	floatValues,
	FLOAT,
	INT8,
	INT32,
	intAttribute,
	intField,
	lenField,
	nodeProto,
	strField,
	tensorProto,
	text,
	UINT8,
	varints
} from './onnx-proto.mjs';

const QDQ_OPSET = 13;
/** Ops whose semantics are the same from opset 9 to 13 (checked against the ONNX operator changelog). */
const SAME_SINCE_OPSET_9 = new Set(['Conv', 'PRelu', 'Add', 'Relu', 'Reshape', 'Flatten']);
const tablesDir = join(dirname(fileURLToPath(import.meta.url)), 'int8');

/** The nodes of a graph, parsed enough to rewire them: op, inputs, outputs, attributes (raw), raw fields. */
export function parseNodes(graph) {
	return graph
		.filter((f) => f.field === 1)
		.map((f) => {
			const nf = fields(f.value);
			const attributes = {};
			for (const a of nf.filter((g) => g.field === 5)) {
				const af = fields(a.value);
				const name = text(af.find((g) => g.field === 1).value);
				const i = af.find((g) => g.field === 3);
				attributes[name] = i ? Number(BigInt.asIntN(64, i.value)) : varints(af.filter((g) => g.field === 8));
			}
			return {
				op: text(nf.find((g) => g.field === 4)?.value ?? new Uint8Array()),
				inputs: nf.filter((g) => g.field === 1).map((g) => text(g.value)),
				outputs: nf.filter((g) => g.field === 2).map((g) => text(g.value)),
				attributes,
				fields: nf
			};
		});
}

/** The model's parts: top-level fields, graph fields, nodes, and float32 initializers by name. */
export function parseModel(bytes) {
	const model = fields(new Uint8Array(bytes));
	const graphField = model.find((f) => f.field === 7);
	if (!graphField) throw new Error('onnx-int8: no graph');
	const graph = fields(graphField.value);
	const initializers = new Map();
	for (const f of graph.filter((g) => g.field === 5)) {
		const tf = fields(f.value);
		const name = text(tf.find((g) => g.field === 8)?.value ?? new Uint8Array());
		initializers.set(name, { dims: varints(tf.filter((g) => g.field === 1)), values: floatValues(tf) });
	}
	return { model, graph, nodes: parseNodes(graph), initializers };
}

/** The same model with extra graph outputs (float tensors), for reading intermediate activations. */
export function withOutputs(bytes, names) {
	const { model, graph } = parseModel(bytes);
	const typeProto = lenField(1, intField(1, FLOAT)); // TypeProto.tensor_type.elem_type
	const extra = names.map((n) => lenField(12, concat([strField(1, n), lenField(2, typeProto)])));
	const newGraph = concat([...graph.map((f) => f.raw), ...extra]);
	return concat(model.map((f) => (f.field === 7 ? lenField(7, newGraph) : f.raw)));
}

/** uint8 scale and zero point covering [lo, hi] (widened to include 0, so zero is exact: padding, ReLU). */
function activationParams([lo, hi]) {
	const min = Math.min(lo, 0);
	const max = Math.max(hi, 0);
	const scale = Math.fround((max - min) / 255 || 1);
	const zeroPoint = Math.min(255, Math.max(0, Math.round(-min / scale)));
	return { scale, zeroPoint };
}

/**
 * Weights use 7 of int8's 8 bits. x86 CPUs without VNNI (this server, onnxruntime-node) multiply u8 x s8 with
 * vpmaddubsw, which saturates when two products 255 x 127 are summed; with |w| <= 63 it cannot, so the
 * server's integer sums are exact like the WASM kernels' and the phone's and the server's embeddings agree
 * (int8 web vs node cosine on the same input: median 1.0000, min 0.993; with 8-bit weights median 0.992). It
 * also matched float better (strict-threshold true accepts 110/125 as float vs 106/125 with 8-bit weights),
 * as the saturation errors went away.
 */
const WEIGHT_MAX = 63;

/** int8 symmetric per-output-channel weights (axis 0, [-WEIGHT_MAX, WEIGHT_MAX]) and their float32 scales. */
function quantizeWeights(values, channels) {
	const per = values.length / channels;
	const scales = new Float32Array(channels);
	const q = new Int8Array(values.length);
	for (let c = 0; c < channels; c++) {
		let max = 0;
		for (let i = 0; i < per; i++) max = Math.max(max, Math.abs(values[c * per + i]));
		scales[c] = max / WEIGHT_MAX || 1;
		for (let i = 0; i < per; i++)
			q[c * per + i] = Math.max(
				-WEIGHT_MAX,
				Math.min(WEIGHT_MAX, Math.round(values[c * per + i] / scales[c]))
			);
	}
	return { q, scales };
}

function raiseOpset(model, nodes) {
	return model.map((f) => {
		if (f.field === 1) return Number(f.value) < 7 ? intField(1, 7) : f.raw; // IR 7 for opset 13
		if (f.field !== 8) return f.raw;
		const of = fields(f.value);
		const domain = text(of.find((g) => g.field === 1)?.value ?? new Uint8Array());
		const version = Number(of.find((g) => g.field === 2)?.value ?? 0n);
		if (domain !== '' && domain !== 'ai.onnx') return f.raw;
		if (version >= QDQ_OPSET) return f.raw;
		if (version < 9) throw new Error(`onnx-int8: opset ${version} is older than this transform knows`);
		const unchecked = [...new Set(nodes.map((n) => n.op))].filter((op) => !SAME_SINCE_OPSET_9.has(op));
		if (unchecked.length)
			throw new Error(`onnx-int8: raising opset ${version} -> ${QDQ_OPSET} not checked for ${unchecked}`);
		return lenField(8, concat([strField(1, domain), intField(2, QDQ_OPSET)]));
	});
}

/** Transform entry point (models/stage.mjs): ONNX bytes in, ONNX bytes with QDQ int8 Convs out. */
export default function onnxInt8(bytes, entry) {
	const table = JSON.parse(readFileSync(join(tablesDir, `${entry.id}.json`), 'utf8'));
	if (table.sourceSha256 !== entry.sha256)
		throw new Error(`onnx-int8: ${entry.id}'s calibration table is for another source model`);
	const { model, graph, nodes, initializers } = parseModel(bytes);
	const chosen = new Set(table.convs);
	const convs = nodes.filter((n) => n.op === 'Conv' && chosen.has(n.outputs[0]));
	if (convs.length !== chosen.size)
		throw new Error('onnx-int8: calibration table names Convs the model lacks');

	const added = []; // initializers (TensorProto bytes)
	const weightNodes = []; // DequantizeLinear of weights and biases: constants, so they go first
	const afterProducer = new Map(); // tensor -> its Q/DQ nodes, placed right after whatever produces it
	const activation = new Map(); // tensor -> { scale, zeroPoint }
	const axis0 = [intAttribute('axis', 0)];

	for (const t of new Set(convs.flatMap((n) => [n.inputs[0], n.outputs[0]]))) {
		const range = table.ranges[t];
		if (!range) throw new Error(`onnx-int8: no calibrated range for tensor ${t}`);
		const p = activationParams(range);
		activation.set(t, p);
		added.push(
			tensorProto(`${t}__scale`, FLOAT, [], Float32Array.of(p.scale)),
			tensorProto(`${t}__zero`, UINT8, [], Uint8Array.of(p.zeroPoint))
		);
		afterProducer.set(t, [
			nodeProto('QuantizeLinear', [t, `${t}__scale`, `${t}__zero`], [`${t}__q`], `${t}__Q`),
			nodeProto('DequantizeLinear', [`${t}__q`, `${t}__scale`, `${t}__zero`], [`${t}__dq`], `${t}__DQ`)
		]);
	}

	const replaced = new Set();
	const newInputs = new Map(); // conv output name -> its rewired [x, W, B]
	/** Replaces the float initializer `name` by its per-channel quantized `values` and a DequantizeLinear of them
	 * (zero points all 0); returns the dequantized tensor's name. */
	const dequantizedConstant = (name, suffix, type, dims, values, scales) => {
		const channels = scales.length;
		const zeros = type === INT8 ? new Int8Array(channels) : new Int32Array(channels);
		added.push(
			tensorProto(`${name}${suffix}`, type, dims, values),
			tensorProto(`${name}__scale`, FLOAT, [channels], scales),
			tensorProto(`${name}__zero`, type, [channels], zeros)
		);
		const inputs = [`${name}${suffix}`, `${name}__scale`, `${name}__zero`];
		weightNodes.push(nodeProto('DequantizeLinear', inputs, [`${name}__dq`], `${name}__DQ`, axis0));
		replaced.add(name);
		return `${name}__dq`;
	};
	for (const n of convs) {
		const [x, w, b] = n.inputs;
		const weights = initializers.get(w);
		if (!weights?.values)
			throw new Error(`onnx-int8: Conv ${n.outputs[0]} has no float32 weight initializer`);
		const channels = weights.dims[0];
		const { q, scales } = quantizeWeights(weights.values, channels);
		const rewired = [`${x}__dq`, dequantizedConstant(w, '__int8', INT8, weights.dims, q, scales)];
		if (b) {
			const bias = initializers.get(b);
			if (!bias?.values) throw new Error(`onnx-int8: Conv ${n.outputs[0]} has no float32 bias initializer`);
			const xs = activation.get(x).scale;
			const bs = Float32Array.from(scales, (s) => s * xs);
			const bq = Int32Array.from(bias.values, (v, c) =>
				Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.round(v / bs[c])))
			);
			rewired.push(dequantizedConstant(b, '__int32', INT32, [channels], bq, bs));
		}
		newInputs.set(n.outputs[0], rewired);
	}

	// A chosen Conv's output exists only quantized once onnxruntime fuses DQ -> Conv -> Q, so all its consumers
	// read the dequantized copy. A tensor quantized only because a chosen Conv reads it (the residual stream
	// after an Add, a PRelu output) stays float for its other consumers: the residual sum then carries no
	// rounding from one block to the next (mean genuine-pair similarity on the benchmark photos vs float, 8-bit
	// weights: -0.010 before, -0.008 now).
	const convOutputs = new Set(convs.map((n) => n.outputs[0]));
	const rebuilt = [];
	const graphInputs = graph
		.filter((f) => f.field === 11)
		.map((f) => text(fields(f.value).find((g) => g.field === 1).value));
	for (const i of graphInputs) if (afterProducer.has(i)) rebuilt.push(...afterProducer.get(i));
	for (const n of nodes) {
		const inputs = newInputs.get(n.outputs[0]) ?? n.inputs.map((i) => (convOutputs.has(i) ? `${i}__dq` : i));
		rebuilt.push(
			concat([
				...inputs.map((i) => strField(1, i)),
				...n.fields.filter((f) => f.field !== 1).map((f) => f.raw)
			])
		);
		for (const o of n.outputs) if (afterProducer.has(o)) rebuilt.push(...afterProducer.get(o));
	}

	const initializerName = (f) => text(fields(f.value).find((g) => g.field === 8)?.value ?? new Uint8Array());
	const valueInfoName = (f) => text(fields(f.value).find((g) => g.field === 1)?.value ?? new Uint8Array());
	const newGraph = concat([
		...[...weightNodes, ...rebuilt].map((n) => lenField(1, n)),
		...graph
			.filter((f) => f.field !== 1)
			// Replaced float weights go; so do their (old-IR) graph-input entries, which would otherwise dangle.
			.filter((f) => !(f.field === 5 && replaced.has(initializerName(f))))
			.filter((f) => !(f.field === 11 && replaced.has(valueInfoName(f))))
			.map((f) => f.raw),
		...added.map((t) => lenField(5, t))
	]);
	return concat(raiseOpset(model, nodes).map((f, i) => (model[i].field === 7 ? lenField(7, newGraph) : f)));
}
