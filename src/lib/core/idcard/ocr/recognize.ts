// PP-OCRv4 text recognition: a line crop resized to height 48, BGR normalised to [-1, 1], and CTC greedy
// decoding over ppocr_keys_v1 (index 0 = blank, then the dictionary, then a space).
import type { Box, RgbaImage } from '../../image/types.ts';
import type { InferenceRuntime } from '../../runtime.ts';
import type { StageSink } from './detect.ts';
import { sampleIntoChw, type PlaneNorm } from './tensor.ts';

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

/**
 * Greedy CTC decoding. `allowed`, when given, restricts the characters it may emit: a step whose likeliest class
 * is a character the field cannot hold emits the likeliest one it can (not the blank, which would drop a
 * printed character), so a field that can only hold some characters is read as the best of those.
 */
export function ctcDecode(
	probs: Float32Array,
	steps: number,
	classes: number,
	dictionary: readonly string[],
	allowed?: (ch: string) => boolean
): RecognizedText {
	let text = '';
	const charConfidence: number[] = [];
	let previous = 0;
	const barred = allowed
		? Uint8Array.from({ length: classes }, (_, c) => (c === 0 || allowed(dictionary[c - 1] ?? '') ? 0 : 1))
		: null;
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
		if (barred?.[best]) {
			bestP = -1;
			for (let c = 1; c < classes; c++) {
				if (!barred[c] && probs[base + c] > bestP) {
					bestP = probs[base + c];
					best = c;
				}
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

/** Blank columns between two lines packed into one row: two CTC steps (the model downsamples width by 8). */
const GAP = 16;
/** Rows are at least this wide, so short lines share a row instead of each padding one out. */
const MIN_ROW = 320;
const REC_NORM: PlaneNorm = { mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] };

/** A line to read: a region of an image (a text box on the rectified card, or a whole crop). */
export interface LineRegion {
	image: RgbaImage;
	box: Box;
	/** This line's horizontal squeeze, overriding the call's `widthScale` (lines of one kind of text). */
	widthScale?: number;
}

interface Placement {
	row: number;
	x: number;
	width: number;
}

/** First-fit (widest first) packing of lines into rows `rowWidth` wide, GAP apart. */
function packAt(
	widths: readonly number[],
	rowWidth: number
): { rowWidth: number; rows: number; at: Placement[] } {
	const order = widths.map((w, i) => ({ w, i })).sort((a, b) => b.w - a.w);
	const used: number[] = [];
	const at: Placement[] = new Array(widths.length);
	for (const { w, i } of order) {
		let row = used.findIndex((u) => u + GAP + w <= rowWidth);
		if (row < 0) {
			row = used.length;
			used.push(-GAP);
		}
		at[i] = { row, x: used[row] + GAP, width: w };
		used[row] += GAP + w;
	}
	return { rowWidth, rows: used.length, at };
}

/**
 * Packs lines into rows of one common width, so the whole side is read in ONE model run with little padding:
 * per-line runs pay the runtime's per-call overhead ~13 times, and batches padded to their widest line were ~40 %
 * padding on a portrait side. The row width is the one (from the widest line up to twice that) that needs the
 * fewest columns in all: rows as wide as the widest line left ~15 % padding on a portrait side.
 */
export function packLines(widths: readonly number[]): { rowWidth: number; rows: number; at: Placement[] } {
	const widest = Math.ceil(Math.max(MIN_ROW, ...widths) / 8) * 8;
	let best = packAt(widths, widest);
	for (let rowWidth = widest + 8; rowWidth <= 2 * widest; rowWidth += 8) {
		const p = packAt(widths, rowWidth);
		if (p.rows * p.rowWidth < best.rows * best.rowWidth) best = p;
	}
	return best;
}

/** Reads text line regions: each resized to height 48 and packed into rows of one run (see packLines). */
export async function recognizeRegions(
	runtime: InferenceRuntime,
	lines: readonly LineRegion[],
	dictionary: readonly string[],
	widthScale = 1,
	profile?: StageSink
): Promise<RecognizedText[]> {
	if (lines.length === 0) return [];
	let t = performance.now();
	const widths = lines.map(({ box, widthScale: own }) =>
		Math.min(
			REC_MAX_WIDTH,
			Math.max(16, Math.ceil((REC_HEIGHT * box.width * (own ?? widthScale)) / box.height))
		)
	);
	const { rowWidth, rows, at } = packLines(widths);
	const plane = REC_HEIGHT * rowWidth;
	// Zero (mid-grey after normalisation) is Paddle's own padding value.
	const data = new Float32Array(rows * 3 * plane);
	lines.forEach(({ image, box }, i) => {
		const { row, x, width } = at[i];
		sampleIntoChw(image, box, width, REC_HEIGHT, REC_NORM, data, row * 3 * plane + x, rowWidth, plane);
	});
	const session = await runtime.load('ocr.rec');
	profile?.('recInput', performance.now() - t);
	profile?.('recColumns', rows * rowWidth);
	t = performance.now();
	const out = await session.run({
		[session.inputNames[0]]: runtime.tensor('float32', data, [rows, 3, REC_HEIGHT, rowWidth])
	});
	profile?.('recModel', performance.now() - t);
	t = performance.now();
	const result = out[session.outputNames[0]];
	const [, steps, classes] = result.dims;
	const probs = result.data as Float32Array;
	const texts = at.map(({ row, x, width }) => {
		// The steps under this line's columns (CTC steps are evenly spread over the row's width).
		const s0 = Math.floor((x * steps) / rowWidth);
		const s1 = Math.min(steps, Math.ceil(((x + width) * steps) / rowWidth));
		const base = row * steps * classes;
		const slice = probs.subarray(base + s0 * classes, base + s1 * classes);
		const n = s1 - s0;
		return { ...ctcDecode(slice, n, classes, dictionary), probs: { data: slice, steps: n, classes } };
	});
	profile?.('recDecode', performance.now() - t);
	return texts;
}

/** Recognises whole line crops (each image is one line). */
export function recognizeLines(
	runtime: InferenceRuntime,
	crops: readonly RgbaImage[],
	dictionary: readonly string[]
): Promise<RecognizedText[]> {
	return recognizeRegions(
		runtime,
		crops.map((image) => ({ image, box: { x: 0, y: 0, width: image.width, height: image.height } })),
		dictionary
	);
}
