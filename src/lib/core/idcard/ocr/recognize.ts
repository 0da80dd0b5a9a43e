// PP-OCRv4 text recognition: a line crop resized to height 48, BGR normalised to [-1, 1], and CTC greedy
// decoding over ppocr_keys_v1 (index 0 = blank, then the dictionary, then a space).
import type { RgbaImage } from '../../image/types.ts';
import { resize, toChwTensor } from '../../image/ops.ts';
import type { InferenceRuntime } from '../../runtime.ts';

export interface RecognizedText {
	text: string;
	/** Mean probability of the emitted characters (0 when nothing was read). */
	confidence: number;
	/** Per-character probabilities, aligned with Array.from(text). */
	charConfidence: number[];
	/** The recogniser's steps x classes probabilities, kept for lexicon-constrained re-reading. */
	probs?: { data: Float32Array; steps: number; classes: number };
}

const REC_HEIGHT = 48;
/** Widest crop fed to the model; longer lines are squeezed (card lines are at most ~20 characters). */
const REC_MAX_WIDTH = 960;

/** Parses the dictionary file: one character per line; a space is appended, as Paddle's use_space_char does. */
export function parseDictionary(text: string): string[] {
	const lines = text.replace(/\r/g, '').split('\n');
	if (lines[lines.length - 1] === '') lines.pop();
	return [...lines, ' '];
}

export function ctcDecode(
	probs: Float32Array,
	steps: number,
	classes: number,
	dictionary: readonly string[]
): RecognizedText {
	let text = '';
	const charConfidence: number[] = [];
	let previous = 0;
	for (let t = 0; t < steps; t++) {
		let best = 0;
		let bestP = -1;
		const base = t * classes;
		for (let c = 0; c < classes; c++) {
			if (probs[base + c] > bestP) {
				bestP = probs[base + c];
				best = c;
			}
		}
		if (best !== 0 && best !== previous) {
			text += dictionary[best - 1] ?? '';
			charConfidence.push(bestP);
		}
		previous = best;
	}
	const confidence = charConfidence.length
		? charConfidence.reduce((a, b) => a + b, 0) / charConfidence.length
		: 0;
	return { text, confidence, charConfidence };
}

/** Lines per model call: crops are sorted by width and batched, so little of each batch is padding. */
const BATCH = 6;

/** Recognises line crops, in batches of similar width (each padded to its widest, as Paddle does). */
export async function recognizeLines(
	runtime: InferenceRuntime,
	crops: readonly RgbaImage[],
	dictionary: readonly string[]
): Promise<RecognizedText[]> {
	const order = crops.map((c, i) => ({ i, ratio: c.width / c.height })).sort((a, b) => a.ratio - b.ratio);
	const results: RecognizedText[] = new Array(crops.length);
	for (let k = 0; k < order.length; k += BATCH) {
		const chunk = order.slice(k, k + BATCH);
		const texts = await recognizeBatch(
			runtime,
			chunk.map((c) => crops[c.i]),
			dictionary
		);
		chunk.forEach((c, j) => (results[c.i] = texts[j]));
	}
	return results;
}

async function recognizeBatch(
	runtime: InferenceRuntime,
	crops: readonly RgbaImage[],
	dictionary: readonly string[]
): Promise<RecognizedText[]> {
	if (crops.length === 0) return [];
	const widths = crops.map((c) =>
		Math.min(REC_MAX_WIDTH, Math.max(16, Math.ceil((REC_HEIGHT * c.width) / c.height)))
	);
	const batchWidth = Math.max(...widths);
	const plane = REC_HEIGHT * batchWidth;
	const data = new Float32Array(crops.length * 3 * plane);
	crops.forEach((crop, i) => {
		const w = widths[i];
		const chw = toChwTensor(resize(crop, w, REC_HEIGHT), { order: 'bgr', mean: 127.5, std: 127.5 });
		for (let c = 0; c < 3; c++) {
			for (let y = 0; y < REC_HEIGHT; y++) {
				const dst = (i * 3 + c) * plane + y * batchWidth;
				data.set(chw.subarray(c * REC_HEIGHT * w + y * w, c * REC_HEIGHT * w + (y + 1) * w), dst);
			}
		}
	});
	const session = await runtime.load('ocr.rec');
	const out = await session.run({
		[session.inputNames[0]]: runtime.tensor('float32', data, [crops.length, 3, REC_HEIGHT, batchWidth])
	});
	const result = out[session.outputNames[0]];
	const [n, steps, classes] = result.dims;
	const probs = result.data as Float32Array;
	const texts: RecognizedText[] = [];
	for (let i = 0; i < n; i++) {
		const data = probs.subarray(i * steps * classes, (i + 1) * steps * classes);
		texts.push({ ...ctcDecode(data, steps, classes, dictionary), probs: { data, steps, classes } });
	}
	return texts;
}
