// The little of the protobuf wire format the ONNX staging transforms need: walking a message's fields and
// encoding new ones. Every field a transform does not rewrite is copied as the bytes it was, so nothing the
// transforms don't understand is lost.

export function readVarint(buf, pos) {
	let value = 0n;
	let shift = 0n;
	for (;;) {
		const b = buf[pos++];
		value |= BigInt(b & 0x7f) << shift;
		if (b < 0x80) return [value, pos];
		shift += 7n;
	}
}

export function varint(value) {
	// Negative int32/int64 values are encoded as their 64-bit two's complement (ten bytes).
	let v = BigInt.asUintN(64, BigInt(value));
	const out = [];
	do {
		let b = Number(v & 0x7fn);
		v >>= 7n;
		if (v > 0n) b |= 0x80;
		out.push(b);
	} while (v > 0n);
	return Uint8Array.from(out);
}

/** Fields of a message: { field, wire, value (varint as bigint, or bytes), raw (the whole field's bytes) }. */
export function fields(buf) {
	const out = [];
	let pos = 0;
	while (pos < buf.length) {
		const start = pos;
		const [key, p1] = readVarint(buf, pos);
		pos = p1;
		const field = Number(key >> 3n);
		const wire = Number(key & 7n);
		let value;
		if (wire === 0) [value, pos] = readVarint(buf, pos);
		else if (wire === 1) {
			value = buf.subarray(pos, pos + 8);
			pos += 8;
		} else if (wire === 2) {
			const [len, p2] = readVarint(buf, pos);
			value = buf.subarray(p2, p2 + Number(len));
			pos = p2 + Number(len);
		} else if (wire === 5) {
			value = buf.subarray(pos, pos + 4);
			pos += 4;
		} else throw new Error(`onnx-proto: unsupported wire type ${wire}`);
		out.push({ field, wire, value, raw: buf.subarray(start, pos) });
	}
	return out;
}

export const concat = (parts) => {
	const n = parts.reduce((a, p) => a + p.length, 0);
	const out = new Uint8Array(n);
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
};
export const lenField = (field, bytes) => concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
export const intField = (field, value) => concat([varint(field << 3), varint(value)]);
export const strField = (field, s) => lenField(field, new TextEncoder().encode(s));
export const text = (bytes) => new TextDecoder().decode(bytes);

/** Repeated varints (int64 dims, ints attributes), packed or one per field. */
export function varints(list) {
	const out = [];
	for (const f of list) {
		if (f.wire === 0) out.push(f.value);
		else
			for (let pos = 0; pos < f.value.length;) {
				const [v, p] = readVarint(f.value, pos);
				out.push(v);
				pos = p;
			}
	}
	return out.map((v) => Number(BigInt.asIntN(64, v)));
}

// ONNX TensorProto.DataType values used here.
export const FLOAT = 1;
export const UINT8 = 2;
export const INT8 = 3;
export const INT32 = 6;
export const INT64 = 7;
export const FLOAT16 = 10;

/** The float32 values of a TensorProto (raw_data or float_data), or null if it is not float32. */
export function floatValues(tensorFields) {
	const type = tensorFields.find((f) => f.field === 2);
	if (!type || Number(type.value) !== FLOAT) return null;
	const raw = tensorFields.find((f) => f.field === 9);
	if (raw) {
		const copy = new Uint8Array(raw.value);
		return new Float32Array(copy.buffer, 0, copy.length / 4);
	}
	const packed = tensorFields.filter((f) => f.field === 4);
	if (packed.length === 0) return new Float32Array(0);
	// Packed (wire 2) or one float per field (wire 5): either way the bytes are little-endian floats.
	const bytes = concat(packed.map((f) => new Uint8Array(f.value)));
	return new Float32Array(bytes.buffer, 0, bytes.length / 4);
}

/** A TensorProto with raw_data; `values` is a typed array of the element type `dataType`. */
export function tensorProto(name, dataType, dims, values) {
	return concat([
		...dims.map((d) => intField(1, d)),
		intField(2, dataType),
		strField(8, name),
		lenField(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
	]);
}

/** A NodeProto; `attributes` are encoded AttributeProto messages. */
export function nodeProto(op, inputs, outputs, name, attributes = []) {
	return concat([
		...inputs.map((i) => strField(1, i)),
		...outputs.map((o) => strField(2, o)),
		strField(3, name),
		strField(4, op),
		...attributes.map((a) => lenField(5, a))
	]);
}

/** AttributeProto of type INT. */
export const intAttribute = (name, value) => concat([strField(1, name), intField(3, value), intField(20, 2)]);

/** Float32 weights with fewer elements stay as they are (biases, scalars: no size to win, and exact constants). */
export const MIN_WEIGHT_ELEMENTS = 256;

/** A Constant node with output `output`; `nameFields` are the encoded name field(s) to give it. */
const constantNode = (output, nameFields, tensorBytes) =>
	concat([
		strField(2, output),
		...nameFields,
		strField(4, 'Constant'),
		lenField(5, concat([strField(1, 'value'), lenField(5, tensorBytes), intField(20, 4)])) // TENSOR
	]);

/**
 * Re-stores a model's weights: `store(tensorFields, name, kind)` gets each weight tensor held in the model (a
 * Constant node's value, as paddle2onnx keeps them, kind 'constant', or an initializer, kind 'initializer') and
 * returns null to keep it, or the tensors to store instead ({ name, bytes: the whole TensorProto, which for an
 * initializer must carry that name }) and the nodes (NodeProto bytes) that compute the original name from them. A Constant's replacements follow it in the node list; nodes reading initializers go
 * first, so the node list stays topologically sorted. Every other byte of the model is copied as it was.
 */
export function restoreWeights(bytes, store, label) {
	const model = fields(new Uint8Array(bytes));
	const graphField = model.find((f) => f.field === 7);
	if (!graphField) throw new Error(`${label}: no graph`);
	const graph = fields(graphField.value);
	const inputs = new Set(
		graph.filter((f) => f.field === 11).map((f) => text(fields(f.value).find((g) => g.field === 1).value))
	);
	const leading = [];
	let converted = 0;
	const rebuilt = graph.map((f) => {
		if (f.field === 1) {
			const nf = fields(f.value);
			const op = nf.find((g) => g.field === 4);
			if (!op || text(op.value) !== 'Constant') return f.raw;
			const outputs = nf.filter((g) => g.field === 2);
			const attrs = nf.filter((g) => g.field === 5).map((g) => fields(g.value));
			if (outputs.length !== 1 || attrs.length !== 1) return f.raw;
			const attrName = attrs[0].find((g) => g.field === 1);
			const t = attrs[0].find((g) => g.field === 5);
			if (!attrName || text(attrName.value) !== 'value' || !t) return f.raw;
			const tf = fields(t.value);
			const output = text(outputs[0].value);
			const stored = plainFloat(tf) && store(tf, output, 'constant');
			if (!stored) return f.raw;
			converted++;
			const nameFields = nf.filter((g) => g.field === 3).map((g) => g.raw);
			return concat([
				...stored.tensors.map((s, i) =>
					lenField(1, constantNode(s.name, i === 0 ? nameFields : [strField(3, `${s.name}__const`)], s.bytes))
				),
				...stored.nodes.map((n) => lenField(1, n))
			]);
		}
		if (f.field !== 5) return f.raw;
		const tf = fields(f.value);
		const name = text(tf.find((g) => g.field === 8)?.value ?? new Uint8Array());
		// An initializer that is also a graph input (old IR) can be overridden by a feed: leave it alone.
		const stored = !inputs.has(name) && plainFloat(tf) && store(tf, name, 'initializer');
		if (!stored) return f.raw;
		converted++;
		leading.push(...stored.nodes.map((n) => lenField(1, n)));
		return concat(stored.tensors.map((s) => lenField(5, s.bytes)));
	});
	if (converted === 0) throw new Error(`${label}: no float32 weights found to store otherwise`);
	const newGraph = concat([...leading, ...rebuilt]);
	return concat(model.map((f) => (f.field === 7 ? lenField(7, newGraph) : f.raw)));
}

/** A tensor held in the model itself (no external data or data_location). */
const plainFloat = (tf) => !tf.some((f) => f.field === 13 || f.field === 14);
