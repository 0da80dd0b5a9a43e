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
