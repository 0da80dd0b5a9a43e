// PP-OCRv4 text detection (DB, "Differentiable Binarization"): the model outputs a text-probability map;
// thresholding it gives shrunk text kernels, which are grown back ("unclipped") into line boxes.
// The card is rectified before this runs, so lines are axis-aligned and boxes can be rectangles.
import type { Box, RgbaImage } from '../../image/types.ts';
import type { InferenceRuntime } from '../../runtime.ts';
import { sampleIntoChw } from './tensor.ts';

export interface TextBox extends Box {
	/** Mean text probability inside the kernel. */
	score: number;
}

/** Receives how long a named step took (ms); the reader sums them per read for profiling. */
export type StageSink = (stage: string, ms: number) => void;

export interface DetectOptions {
	/** Longest side fed to the model (multiple of 32). */
	maxSide: number;
	/** Pixel threshold on the probability map (Paddle's det_db_thresh). */
	threshold: number;
	/** Minimum mean probability of a kept box (det_db_box_thresh). */
	boxThreshold: number;
	/** How far to grow kernels back (det_db_unclip_ratio). */
	unclipRatio: number;
}

export const DEFAULT_DETECT: DetectOptions = {
	maxSide: 960,
	threshold: 0.3,
	boxThreshold: 0.6,
	unclipRatio: 1.5
};

/** Paddle normalises BGR planes with ImageNet statistics given in this order. */
const DET_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255] as const;
const DET_STD = [0.229 * 255, 0.224 * 255, 0.225 * 255] as const;

export async function detectText(
	runtime: InferenceRuntime,
	img: RgbaImage,
	options: DetectOptions = DEFAULT_DETECT
): Promise<TextBox[]> {
	const scale = Math.min(1, options.maxSide / Math.max(img.width, img.height));
	const w = Math.max(32, Math.round((img.width * scale) / 32) * 32);
	const h = Math.max(32, Math.round((img.height * scale) / 32) * 32);
	return detectInRegion(runtime, img, { x: 0, y: 0, width: img.width, height: img.height }, w, h, options);
}

/**
 * Detects text inside `region` of `img` only, fed to the model as w x h (multiples of 32). A region sized at
 * the whole-image run's pixel scale sees the same text at the same size, at the cost of its own area only.
 * Boxes come back in image pixels.
 */
export async function detectInRegion(
	runtime: InferenceRuntime,
	img: RgbaImage,
	region: Box,
	w: number,
	h: number,
	options: DetectOptions = DEFAULT_DETECT,
	profile?: StageSink
): Promise<TextBox[]> {
	let t = performance.now();
	const data = new Float32Array(3 * w * h);
	sampleIntoChw(img, region, w, h, { mean: DET_MEAN, std: DET_STD }, data, 0, w, w * h);
	const session = await runtime.load('ocr.det');
	profile?.('detInput', performance.now() - t);
	t = performance.now();
	const out = await session.run({ [session.inputNames[0]]: runtime.tensor('float32', data, [1, 3, h, w]) });
	profile?.('detModel', performance.now() - t);
	t = performance.now();
	const prob = out[session.outputNames[0]].data as Float32Array;
	const boxes = boxesFromMap(prob, w, h, options);
	profile?.('detBoxes', performance.now() - t);
	const sx = region.width / w;
	const sy = region.height / h;
	return boxes.map((b) => ({
		x: region.x + b.x * sx,
		y: region.y + b.y * sy,
		width: b.width * sx,
		height: b.height * sy,
		score: b.score
	}));
}

/** Connected components of the thresholded map -> unclipped rectangles (in map pixels). */
export function boxesFromMap(prob: Float32Array, w: number, h: number, o: DetectOptions): TextBox[] {
	const label = new Int32Array(w * h);
	const boxes: TextBox[] = [];
	// Flood fill with a typed stack: a pixel enters it at most once (it is labelled when pushed).
	const stack = new Int32Array(w * h);
	const t = o.threshold;
	let next = 0;
	for (let start = 0; start < w * h; start++) {
		if (label[start] !== 0 || prob[start] <= t) continue;
		next++;
		let minX = w;
		let minY = h;
		let maxX = 0;
		let maxY = 0;
		let sum = 0;
		let count = 0;
		let top = 0;
		stack[top++] = start;
		label[start] = next;
		while (top > 0) {
			const p = stack[--top];
			const x = p % w;
			const y = (p - x) / w;
			sum += prob[p];
			count++;
			if (x < minX) minX = x;
			if (x > maxX) maxX = x;
			if (y < minY) minY = y;
			if (y > maxY) maxY = y;
			if (x > 0 && label[p - 1] === 0 && prob[p - 1] > t) {
				label[p - 1] = next;
				stack[top++] = p - 1;
			}
			if (x < w - 1 && label[p + 1] === 0 && prob[p + 1] > t) {
				label[p + 1] = next;
				stack[top++] = p + 1;
			}
			if (y > 0 && label[p - w] === 0 && prob[p - w] > t) {
				label[p - w] = next;
				stack[top++] = p - w;
			}
			if (y < h - 1 && label[p + w] === 0 && prob[p + w] > t) {
				label[p + w] = next;
				stack[top++] = p + w;
			}
		}
		const bw = maxX - minX + 1;
		const bh = maxY - minY + 1;
		const score = sum / count;
		if (Math.min(bw, bh) < 3 || score < o.boxThreshold) continue;
		// DB's unclip: grow by area * ratio / perimeter (the kernel was shrunk by the same rule in training).
		const d = (bw * bh * o.unclipRatio) / (2 * (bw + bh));
		boxes.push({ x: minX - d, y: minY - d, width: bw + 2 * d, height: bh + 2 * d, score });
	}
	return boxes;
}
