// Converts MediaPipe's selfie_segmentation.tflite (Apache-2.0, @mediapipe/selfie_segmentation) into an equivalent
// ONNX graph at staging time, so the same person-segmentation model runs through onnxruntime-node (CLI, tests,
// server) and onnxruntime-web (the phone's worker) behind the project's InferenceRuntime.
//
// It understands exactly the operators this model uses (CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D as a global
// pool, ADD, MUL, RELU, HARD_SWISH, LOGISTIC, RESIZE_BILINEAR, DEQUANTIZE of float16 weights and MediaPipe's custom
// Convolution2DTransposeBias) and refuses anything else. Layout: TFLite is NHWC, the ONNX graph is NCHW; weights are
// transposed here. Input "input" [1,3,256,256] RGB in 0..1, output "mask" [1,1,256,256] person probability.

const BUILTIN = {
	ADD: 0,
	AVERAGE_POOL_2D: 1,
	CONV_2D: 3,
	DEPTHWISE_CONV_2D: 4,
	DEQUANTIZE: 6,
	LOGISTIC: 14,
	MUL: 18,
	RELU: 19,
	RESIZE_BILINEAR: 23,
	CUSTOM: 32,
	HARD_SWISH: 117
};

// ---- minimal FlatBuffers reader for the TFLite schema ----
function reader(bytes) {
	const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const u32 = (o) => dv.getUint32(o, true);
	const i32 = (o) => dv.getInt32(o, true);
	const u16 = (o) => dv.getUint16(o, true);
	const deref = (p) => p + u32(p);
	const table = (pos) => {
		const vt = pos - i32(pos);
		const vlen = u16(vt);
		const field = (i) => {
			const off = 4 + 2 * i;
			if (off >= vlen) return 0;
			const f = u16(vt + off);
			return f ? pos + f : 0;
		};
		return {
			field,
			i32: (i, d = 0) => (field(i) ? i32(field(i)) : d),
			i8: (i, d = 0) => (field(i) ? dv.getInt8(field(i)) : d),
			u8: (i, d = 0) => (field(i) ? dv.getUint8(field(i)) : d),
			bool: (i) => (field(i) ? dv.getUint8(field(i)) !== 0 : false),
			table: (i) => (field(i) ? table(deref(field(i))) : null),
			tables: (i) => {
				if (!field(i)) return [];
				const v = deref(field(i));
				return Array.from({ length: u32(v) }, (_, k) => table(deref(v + 4 + 4 * k)));
			},
			ints: (i) => {
				if (!field(i)) return [];
				const v = deref(field(i));
				return Array.from({ length: u32(v) }, (_, k) => i32(v + 4 + 4 * k));
			},
			bytes: (i) => {
				if (!field(i)) return new Uint8Array(0);
				const v = deref(field(i));
				return bytes.subarray(v + 4, v + 4 + u32(v));
			},
			string: (i) => {
				if (!field(i)) return '';
				const v = deref(field(i));
				return new TextDecoder().decode(bytes.subarray(v + 4, v + 4 + u32(v)));
			}
		};
	};
	return table(u32(0));
}

function halfToFloat(h) {
	const s = h & 0x8000 ? -1 : 1;
	const e = (h >> 10) & 0x1f;
	const f = h & 0x3ff;
	if (e === 0) return s * 2 ** -14 * (f / 1024);
	if (e === 31) return f ? NaN : s * Infinity;
	return s * 2 ** (e - 15) * (1 + f / 1024);
}

// ---- minimal protobuf writer for the ONNX schema ----
class Pb {
	constructor() {
		this.parts = [];
	}
	varint(n) {
		let v = BigInt.asUintN(64, BigInt(n));
		const out = [];
		do {
			let b = Number(v & 0x7fn);
			v >>= 7n;
			if (v) b |= 0x80;
			out.push(b);
		} while (v);
		this.parts.push(Uint8Array.from(out));
		return this;
	}
	key(field, wire) {
		return this.varint((field << 3) | wire);
	}
	int(field, n) {
		return this.key(field, 0).varint(n);
	}
	bytes(field, data) {
		this.key(field, 2).varint(data.length);
		this.parts.push(data);
		return this;
	}
	string(field, s) {
		return this.bytes(field, new TextEncoder().encode(s));
	}
	msg(field, pb) {
		return this.bytes(field, pb.finish());
	}
	float(field, x) {
		this.key(field, 5);
		const b = new Uint8Array(4);
		new DataView(b.buffer).setFloat32(0, x, true);
		this.parts.push(b);
		return this;
	}
	finish() {
		const n = this.parts.reduce((s, p) => s + p.length, 0);
		const out = new Uint8Array(n);
		let o = 0;
		for (const p of this.parts) {
			out.set(p, o);
			o += p.length;
		}
		return out;
	}
}

const FLOAT = 1;
const INT64 = 7;

function tensorProto(name, dims, data) {
	const t = new Pb();
	for (const d of dims) t.int(1, d);
	if (data instanceof Float32Array) {
		t.int(2, FLOAT)
			.string(8, name)
			.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
	} else {
		const b = new Uint8Array(data.length * 8);
		const dv = new DataView(b.buffer);
		data.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true));
		t.int(2, INT64).string(8, name).bytes(9, b);
	}
	return t;
}

function attrInts(name, values) {
	const a = new Pb().string(1, name);
	for (const v of values) a.int(8, v);
	return a.int(20, 7);
}
const attrInt = (name, v) => new Pb().string(1, name).int(3, v).int(20, 2);
const attrString = (name, s) => new Pb().string(1, name).string(4, s).int(20, 3);

function valueInfo(name, dims) {
	const shape = new Pb();
	for (const d of dims) shape.msg(1, new Pb().int(1, d));
	const tensorType = new Pb().int(1, FLOAT).msg(2, shape);
	return new Pb().string(1, name).msg(2, new Pb().msg(1, tensorType));
}

/** TF "SAME" padding as explicit ONNX pads [top, left, bottom, right] (the extra pixel goes to the end). */
function samePads(inH, inW, k, s) {
	const outH = Math.ceil(inH / s);
	const outW = Math.ceil(inW / s);
	const ph = Math.max((outH - 1) * s + k[0] - inH, 0);
	const pw = Math.max((outW - 1) * s + k[1] - inW, 0);
	return [Math.floor(ph / 2), Math.floor(pw / 2), ph - Math.floor(ph / 2), pw - Math.floor(pw / 2)];
}

export function convert(bytes) {
	const model = reader(bytes);
	const opcodes = model.tables(1).map((c) => ({
		code: Math.max(c.i8(0), c.i32(3)),
		custom: c.string(1)
	}));
	const buffers = model.tables(4).map((b) => b.bytes(0));
	const [graph] = model.tables(2);
	const tensors = graph.tables(0).map((t) => ({
		shape: t.ints(0),
		type: t.i8(1),
		buffer: t.i32(2),
		name: t.string(3)
	}));
	const nodes = [];
	const initializers = [];
	const constants = new Map(); // tensor index -> Float32Array (NHWC order, as stored)
	const onnxName = (i) => `t${i}_${tensors[i].name.replace(/[^\w]/g, '_')}`;
	let count = 0;
	const node = (op, inputs, outputs, attrs = []) => {
		const n = new Pb();
		for (const i of inputs) n.string(1, i);
		for (const o of outputs) n.string(2, o);
		n.string(3, `${op}_${count++}`).string(4, op);
		for (const a of attrs) n.msg(5, a);
		nodes.push(n);
	};
	const constFloat = (name, dims, data) => {
		initializers.push(tensorProto(name, dims, data));
		return name;
	};
	const floatsOf = (i) => {
		if (constants.has(i)) return constants.get(i);
		const t = tensors[i];
		const raw = buffers[t.buffer];
		if (!raw || raw.length === 0) throw new Error(`tensor ${t.name} has no data`);
		if (t.type === 0) return new Float32Array(raw.slice().buffer);
		if (t.type === 1) {
			const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
			return Float32Array.from({ length: raw.length / 2 }, (_, k) => halfToFloat(dv.getUint16(k * 2, true)));
		}
		throw new Error(`tensor ${t.name}: unsupported constant type ${t.type}`);
	};
	const activation = (fused, out) => {
		if (fused === 0) return out;
		const raw = `${out}_pre`;
		if (fused === 1) node('Relu', [raw], [out]);
		else if (fused === 3)
			node(
				'Clip',
				[
					raw,
					constFloat(`${out}_lo`, [], new Float32Array([0])),
					constFloat(`${out}_hi`, [], new Float32Array([6]))
				],
				[out]
			);
		else throw new Error(`fused activation ${fused} not supported`);
		return raw;
	};

	const inputIndex = graph.ints(1)[0];
	const outputIndex = graph.ints(2)[0];
	const [, inH, inW, inC] = tensors[inputIndex].shape;

	for (const op of graph.tables(3)) {
		const { code, custom } = opcodes[op.i32(0)];
		const ins = op.ints(1);
		const outs = op.ints(2);
		const opt = op.table(4);
		const out = onnxName(outs[0]);
		const x = onnxName(ins[0]);
		switch (code) {
			case BUILTIN.DEQUANTIZE:
				constants.set(outs[0], floatsOf(ins[0]));
				break;
			case BUILTIN.CONV_2D:
			case BUILTIN.DEPTHWISE_CONV_2D: {
				const depthwise = code === BUILTIN.DEPTHWISE_CONV_2D;
				const [o, kh, kw, i] = tensors[ins[1]].shape; // conv: [O,kh,kw,I]; depthwise: [1,kh,kw,C]
				const w = floatsOf(ins[1]);
				const outC = depthwise ? i : o;
				const inCh = depthwise ? 1 : i;
				const wt = new Float32Array(outC * inCh * kh * kw);
				for (let oc = 0; oc < outC; oc++)
					for (let ic = 0; ic < inCh; ic++)
						for (let y = 0; y < kh; y++)
							for (let xx = 0; xx < kw; xx++)
								wt[((oc * inCh + ic) * kh + y) * kw + xx] = depthwise
									? w[(y * kw + xx) * i + oc]
									: w[((oc * kh + y) * kw + xx) * i + ic];
				const padding = opt.i8(0);
				const stride = [opt.i32(2, 1), opt.i32(1, 1)];
				const fused = depthwise ? opt.i8(4) : opt.i8(3);
				const [, h, wd] = tensors[ins[0]].shape;
				const pads = padding === 0 ? samePads(h, wd, [kh, kw], stride[0]) : [0, 0, 0, 0];
				const inputs = [x, constFloat(`${out}_w`, [outC, inCh, kh, kw], wt)];
				if (ins[2] >= 0) inputs.push(constFloat(`${out}_b`, [outC], floatsOf(ins[2])));
				const attrs = [
					attrInts('kernel_shape', [kh, kw]),
					attrInts('strides', stride),
					attrInts('pads', pads)
				];
				if (depthwise) attrs.push(attrInt('group', outC));
				node('Conv', inputs, [activation(fused, out)], attrs);
				break;
			}
			case BUILTIN.AVERAGE_POOL_2D: {
				const [, h, wd] = tensors[ins[0]].shape;
				const [, oh, ow] = tensors[outs[0]].shape;
				if (oh !== 1 || ow !== 1 || opt.i32(3) !== wd || opt.i32(4) !== h)
					throw new Error('only global average pooling is supported');
				node('GlobalAveragePool', [x], [activation(opt.i8(5), out)]);
				break;
			}
			case BUILTIN.ADD:
			case BUILTIN.MUL:
				node(
					code === BUILTIN.ADD ? 'Add' : 'Mul',
					[x, onnxName(ins[1])],
					[activation(opt ? opt.i8(0) : 0, out)]
				);
				break;
			case BUILTIN.RELU:
				node('Relu', [x], [out]);
				break;
			case BUILTIN.LOGISTIC:
				node('Sigmoid', [x], [out]);
				break;
			case BUILTIN.HARD_SWISH:
				node('HardSwish', [x], [out]);
				break;
			case BUILTIN.RESIZE_BILINEAR: {
				const [, h, wd] = tensors[ins[0]].shape;
				const [, oh, ow] = tensors[outs[0]].shape;
				const mode = opt?.bool(2) ? 'align_corners' : opt?.bool(3) ? 'half_pixel' : 'asymmetric';
				const scales = constFloat(`${out}_scales`, [4], new Float32Array([1, 1, oh / h, ow / wd]));
				node(
					'Resize',
					[x, '', scales],
					[out],
					[attrString('mode', 'linear'), attrString('coordinate_transformation_mode', mode)]
				);
				break;
			}
			case BUILTIN.CUSTOM: {
				if (custom !== 'Convolution2DTransposeBias') throw new Error(`custom op ${custom} not supported`);
				const params = op.bytes(5);
				const dv = new DataView(params.buffer, params.byteOffset, params.byteLength);
				const strideW = params.length >= 12 ? dv.getInt32(4, true) : 2;
				const strideH = params.length >= 12 ? dv.getInt32(8, true) : 2;
				const [o, kh, kw, i] = tensors[ins[1]].shape;
				const w = floatsOf(ins[1]);
				const wt = new Float32Array(i * o * kh * kw); // ONNX ConvTranspose: [I, O, kh, kw]
				for (let ic = 0; ic < i; ic++)
					for (let oc = 0; oc < o; oc++)
						for (let y = 0; y < kh; y++)
							for (let xx = 0; xx < kw; xx++)
								wt[((ic * o + oc) * kh + y) * kw + xx] = w[((oc * kh + y) * kw + xx) * i + ic];
				node(
					'ConvTranspose',
					[x, constFloat(`${out}_w`, [i, o, kh, kw], wt), constFloat(`${out}_b`, [o], floatsOf(ins[2]))],
					[out],
					[attrInts('kernel_shape', [kh, kw]), attrInts('strides', [strideH, strideW])]
				);
				break;
			}
			default:
				throw new Error(`TFLite builtin op ${code} not supported`);
		}
	}
	node('Identity', [onnxName(inputIndex)], ['__unused__']); // placeholder removed below
	nodes.pop();

	// Graph input/output under stable names.
	const graphPb = new Pb();
	const first = new Pb()
		.string(1, 'input')
		.string(2, onnxName(inputIndex))
		.string(3, 'input_identity')
		.string(4, 'Identity');
	graphPb.msg(1, first);
	for (const n of nodes) graphPb.msg(1, n);
	graphPb.msg(
		1,
		new Pb()
			.string(1, onnxName(outputIndex))
			.string(2, 'mask')
			.string(3, 'output_identity')
			.string(4, 'Identity')
	);
	graphPb.string(2, 'selfie_segmentation');
	for (const t of initializers) graphPb.msg(5, t);
	graphPb.msg(11, valueInfo('input', [1, inC, inH, inW]));
	const [, oh, ow, oc] = tensors[outputIndex].shape;
	graphPb.msg(12, valueInfo('mask', [1, oc, oh, ow]));

	const modelPb = new Pb()
		.int(1, 8)
		.string(2, 'zikao-verify models/transforms/selfie-tflite-to-onnx.mjs')
		.msg(7, graphPb)
		.msg(8, new Pb().string(1, '').int(2, 17));
	return modelPb.finish();
}

export default async function transform(bytes) {
	return convert(new Uint8Array(bytes));
}
