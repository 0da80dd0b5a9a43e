// Person segmentation with MediaPipe's selfie model (converted to ONNX at staging, see models/notes/photo.md), over
// the InferenceRuntime, so the phone's worker and Node run the same model through the same code.
import { deltaE, rgbToLab, type Lab } from '../image/colour.ts';
import { resize, toChwTensor } from '../image/ops.ts';
import type { RgbaImage } from '../image/types.ts';
import type { InferenceRuntime, ModelSession } from '../runtime.ts';
import type { PersonMask } from './segment.ts';

export const SEGMENT_MODEL_ID = 'photo.segment';
const SIZE = 256;

/**
 * The model's probabilities are soft over several pixels at 256x256; a smoothstep between these two levels keeps a
 * one-to-two pixel ramp at the output's scale (hair stays soft) without a wide translucent halo.
 */
const EDGE_LOW = 0.3;
const EDGE_HIGH = 0.7;

export interface PersonSegmenter {
	segment(image: RgbaImage): Promise<PersonMask>;
}

export function createPersonSegmenter(runtime: InferenceRuntime): PersonSegmenter {
	let session: Promise<ModelSession> | null = null;
	return {
		async segment(image) {
			session ??= runtime.load(SEGMENT_MODEL_ID);
			const s = await session;
			// MediaPipe feeds the whole frame stretched to the square input; the model was trained that way.
			const input = toChwTensor(resize(image, SIZE, SIZE), { order: 'rgb', mean: 0, std: 255 });
			const out = await s.run({ [s.inputNames[0]]: runtime.tensor('float32', input, [1, 3, SIZE, SIZE]) });
			const probs = out[s.outputNames[0]].data as Float32Array;
			const alpha = new Float32Array(SIZE * SIZE);
			for (let i = 0; i < alpha.length; i++) {
				const t = Math.min(1, Math.max(0, (probs[i] - EDGE_LOW) / (EDGE_HIGH - EDGE_LOW)));
				alpha[i] = t * t * (3 - 2 * t);
			}
			return {
				width: image.width,
				height: image.height,
				gridWidth: SIZE,
				gridHeight: SIZE,
				alpha,
				method: 'selfie-segmentation',
				...backdrop(image, alpha)
			};
		}
	};
}

/** Colour and spread of what the model called background, and how much of the upper border it covers. */
function backdrop(image: RgbaImage, alpha: Float32Array) {
	const { width: w, height: h, data: d } = image;
	const labs: Lab[] = [];
	const rgb: [number, number, number] = [0, 0, 0];
	// Every other grid cell is plenty for a mean colour; each samples the image pixel under its centre.
	for (let gy = 0; gy < SIZE; gy += 2)
		for (let gx = 0; gx < SIZE; gx += 2) {
			if (alpha[gy * SIZE + gx] > 0.05) continue;
			const x = Math.min(w - 1, Math.floor(((gx + 0.5) * w) / SIZE));
			const y = Math.min(h - 1, Math.floor(((gy + 0.5) * h) / SIZE));
			const i = (y * w + x) * 4;
			labs.push(rgbToLab(d[i], d[i + 1], d[i + 2]));
			for (let c = 0; c < 3; c++) rgb[c] += d[i + c];
		}
	const n = Math.max(1, labs.length);
	const mean = {
		l: labs.reduce((s, p) => s + p.l, 0) / n,
		a: labs.reduce((s, p) => s + p.a, 0) / n,
		b: labs.reduce((s, p) => s + p.b, 0) / n
	};
	let border = 0;
	let borderBg = 0;
	for (let x = 0; x < SIZE; x++, border++) if (alpha[x] < 0.5) borderBg++;
	for (let y = 0; y < SIZE / 2; y++, border += 2)
		borderBg += (alpha[y * SIZE] < 0.5 ? 1 : 0) + (alpha[y * SIZE + SIZE - 1] < 0.5 ? 1 : 0);
	return {
		backgroundRgb: rgb.map((v) => v / n) as [number, number, number],
		backgroundSpreadDeltaE: labs.length ? labs.reduce((s, p) => s + deltaE(p, mean), 0) / n : 0,
		borderCoverage: border ? borderBg / border : 0
	};
}
