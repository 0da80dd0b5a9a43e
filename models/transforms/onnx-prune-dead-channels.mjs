// Removes dead channels from MobileNet-style blocks, an exact rewrite: the same function, less work.
//
// fr_feature.onnx (the 512-d embedding) was trained with channel pruning and shipped unpruned: in many blocks
// `Conv (expand) -> PRelu -> depthwise Conv -> PRelu -> 1x1 Conv (project)` a depthwise filter is all zeros, so
// that channel of the depthwise output is its bias whatever the input, PRelu of it a constant q, and the
// project conv only ever adds W[:, c] * q to its output. Such a channel is dropped from the expand conv, both
// PRelus and the depthwise conv, and W[:, c] * q is folded into the project conv's bias. Up to 151 of 256
// channels per block are dead: the embedding costs ~40 % fewer multiply-adds and gives the same vector up to
// float32 rounding (the folded constants are summed in another order). What it measured: models/notes/face.md.
//
// Only the exact pattern is touched (each intermediate tensor read by exactly the next node of the chain,
// weights and slopes as float32 initializers used once); anything else is copied as the bytes it was.
// Protobuf: models/transforms/onnx-proto.mjs.
import { concat, fields, FLOAT, intAttribute, lenField, tensorProto, text } from './onnx-proto.mjs';
import { parseModel } from './onnx-int8.mjs';

/** PRelu as onnxruntime computes it. */
const prelu = (x, slope) => (x < 0 ? x * slope : x);

/** The chains whose depthwise conv has dead (all-zero) filters, with what to drop and fold. */
export function findDeadChannels(bytes) {
	const { nodes, initializers, graph } = parseModel(bytes);
	const graphOutputs = new Set(
		graph.filter((f) => f.field === 12).map((f) => text(fields(f.value).find((g) => g.field === 1).value))
	);
	const readers = new Map();
	for (const n of nodes) for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
	const uses = new Map();
	for (const n of nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
	/** The one node reading `tensor`, if it is read once and is not a graph output. */
	const onlyReader = (tensor) => {
		const r = readers.get(tensor) ?? [];
		return r.length === 1 && !graphOutputs.has(tensor) ? r[0] : null;
	};
	const weight = (name) => {
		const t = initializers.get(name);
		return t && t.values && uses.get(name) === 1 ? t : null;
	};
	const chains = [];
	for (const expand of nodes.filter((n) => n.op === 'Conv' && n.inputs.length === 3)) {
		const prelu1 = onlyReader(expand.outputs[0]);
		const dw = prelu1?.op === 'PRelu' ? onlyReader(prelu1.outputs[0]) : null;
		const prelu2 = dw?.op === 'Conv' && dw.inputs.length === 3 ? onlyReader(dw.outputs[0]) : null;
		const project = prelu2?.op === 'PRelu' ? onlyReader(prelu2.outputs[0]) : null;
		if (!project || project.op !== 'Conv' || project.inputs.length !== 3) continue;
		const [we, be, wd, bd, wp, bp] = [
			expand.inputs[1],
			expand.inputs[2],
			dw.inputs[1],
			dw.inputs[2],
			project.inputs[1],
			project.inputs[2]
		].map(weight);
		const [s1, s2] = [prelu1.inputs[1], prelu2.inputs[1]].map(weight);
		if (![we, be, wd, bd, wp, bp, s1, s2].every(Boolean)) continue;
		const channels = we.dims[0];
		const depthwise =
			dw.attributes.group === channels &&
			wd.dims[0] === channels &&
			wd.dims[1] === 1 &&
			(dw.attributes.dilations ?? [1, 1]).every((d) => d === 1);
		const pointwise =
			(project.attributes.group ?? 1) === 1 &&
			wp.dims[1] === channels &&
			wp.dims.slice(2).every((d) => d === 1) &&
			(project.attributes.pads ?? [0, 0, 0, 0]).every((p) => p === 0);
		// One slope per channel (shape [C, 1, 1]); a shared scalar slope would need no slicing but is not seen here.
		const perChannel = (s) => s.values.length === channels;
		if (!depthwise || !pointwise || !perChannel(s1) || !perChannel(s2)) continue;
		const taps = wd.values.length / channels;
		const dead = [];
		for (let c = 0; c < channels; c++) {
			let zero = true;
			for (let k = 0; k < taps && zero; k++) zero = wd.values[c * taps + k] === 0;
			if (zero) dead.push(c);
		}
		// Keep at least one channel so every tensor keeps a valid shape.
		if (dead.length && dead.length < channels)
			chains.push({ expand, prelu1, dw, prelu2, project, dead, channels });
	}
	return { chains, initializers };
}

/** Rows (first-axis slices) of a float32 tensor, without the dropped ones. */
function keepRows(values, rows, drop) {
	const per = values.length / rows;
	const out = new Float32Array((rows - drop.size) * per);
	let o = 0;
	for (let r = 0; r < rows; r++)
		if (!drop.has(r)) out.set(values.subarray(r * per, (r + 1) * per), o++ * per);
	return out;
}

export default function onnxPruneDeadChannels(bytes) {
	const { chains, initializers } = findDeadChannels(bytes);
	// Working copies: a 1x1 conv can be one chain's project and the next chain's expand, so each rewrite reads
	// what the previous one left (it drops input channels there, output channels here).
	const current = new Map();
	const t = (name) => current.get(name) ?? initializers.get(name);
	const put = (name, dims, values) => current.set(name, { dims, values });
	const groups = new Map(); // depthwise node output -> new group count
	for (const { expand, prelu1, dw, prelu2, project, dead, channels } of chains) {
		const drop = new Set(dead);
		const kept = channels - dead.length;
		const [we, be, wd, bd, wp, bp, s1, s2] = [
			expand.inputs[1],
			expand.inputs[2],
			dw.inputs[1],
			dw.inputs[2],
			project.inputs[1],
			project.inputs[2],
			prelu1.inputs[1],
			prelu2.inputs[1]
		];
		// The constant each dead channel feeds the project conv, folded into its bias (summed in float64).
		const wpv = t(wp).values;
		const outC = t(wp).dims[0];
		const bias = Float64Array.from(t(bp).values);
		for (const c of dead) {
			const q = Math.fround(prelu(t(bd).values[c], t(s2).values[c]));
			for (let o = 0; o < outC; o++) bias[o] += wpv[o * channels + c] * q;
		}
		put(bp, t(bp).dims, Float32Array.from(bias));
		const projected = new Float32Array(outC * kept);
		for (let o = 0; o < outC; o++) {
			let k = 0;
			for (let c = 0; c < channels; c++) if (!drop.has(c)) projected[o * kept + k++] = wpv[o * channels + c];
		}
		put(wp, [outC, kept, ...t(wp).dims.slice(2)], projected);
		put(we, [kept, ...t(we).dims.slice(1)], keepRows(t(we).values, channels, drop));
		put(be, [kept], keepRows(t(be).values, channels, drop));
		put(wd, [kept, ...t(wd).dims.slice(1)], keepRows(t(wd).values, channels, drop));
		put(bd, [kept], keepRows(t(bd).values, channels, drop));
		put(s1, [kept, ...t(s1).dims.slice(1)], keepRows(t(s1).values, channels, drop));
		put(s2, [kept, ...t(s2).dims.slice(1)], keepRows(t(s2).values, channels, drop));
		groups.set(dw.outputs[0], kept);
	}
	const replaced = new Map(
		[...current].map(([name, { dims, values }]) => [name, tensorProto(name, FLOAT, dims, values)])
	);
	const model = fields(new Uint8Array(bytes));
	const graph = fields(model.find((f) => f.field === 7).value);
	const rewritten = [];
	for (const f of graph) {
		if (f.field === 5) {
			const name = text(fields(f.value).find((g) => g.field === 8).value);
			rewritten.push(replaced.has(name) ? lenField(5, replaced.get(name)) : f.raw);
		} else if (f.field === 1) {
			const nf = fields(f.value);
			const out = text(nf.find((g) => g.field === 2).value);
			if (!groups.has(out)) {
				rewritten.push(f.raw);
				continue;
			}
			const isGroup = (g) =>
				g.field === 5 && text(fields(g.value).find((a) => a.field === 1).value) === 'group';
			const node = concat(
				nf.map((g) => (isGroup(g) ? lenField(5, intAttribute('group', groups.get(out))) : g.raw))
			);
			rewritten.push(lenField(1, node));
		} else if (f.field === 13) {
			// Intermediate shapes recorded by the exporter no longer hold for the pruned tensors: the runtime
			// infers them again.
			continue;
		} else rewritten.push(f.raw);
	}
	return concat(model.map((f) => (f.field === 7 ? lenField(7, concat(rewritten)) : f.raw)));
}
