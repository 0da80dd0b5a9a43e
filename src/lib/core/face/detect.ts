// Ultra-Light RFB-320 face detector (fr_detect): letterboxed 320x240 input, decoded boxes, greedy NMS.
import type { Box, RgbaImage } from '../image/types.ts';
import { createImage } from '../image/types.ts';
import { resize, toChwTensor } from '../image/ops.ts';
import { clipBox, iou } from './geometry.ts';

export const DETECT_WIDTH = 320;
export const DETECT_HEIGHT = 240;

export interface RawDetection {
	box: Box;
	score: number;
}

/** Where the frame sits inside the detector's canvas, so boxes can be mapped back. */
export interface Letterbox {
	scale: number;
	offsetX: number;
	offsetY: number;
}

/**
 * Fits the frame into 320x240 keeping its aspect ratio and pads with mid-grey (0 after normalisation).
 * Stretching a portrait phone frame to 4:3 (what the package's own JS does) squashes faces and costs recall.
 * `margin` (fraction of the frame per side) adds a grey border: the detector misses faces that fill the whole
 * image (tight portrait crops), and finds them once they have some surroundings.
 */
/** Where a frame lands in the 320x240 canvas (aspect kept, centred; `margin` of grey per side, as a fraction). */
export function letterboxPlacement(width: number, height: number, margin = 0): Letterbox {
	const grow = 1 + 2 * margin;
	const scale = Math.min(DETECT_WIDTH / (width * grow), DETECT_HEIGHT / (height * grow));
	const w = Math.max(1, Math.round(width * scale));
	const h = Math.max(1, Math.round(height * scale));
	return { scale, offsetX: Math.floor((DETECT_WIDTH - w) / 2), offsetY: Math.floor((DETECT_HEIGHT - h) / 2) };
}

/** The frame region (in frame pixels, reaching past its edges) that fills the whole detector canvas. */
export function canvasRegion(p: Letterbox): Box {
	return {
		x: -p.offsetX / p.scale,
		y: -p.offsetY / p.scale,
		width: DETECT_WIDTH / p.scale,
		height: DETECT_HEIGHT / p.scale
	};
}

export function letterbox(frame: RgbaImage, margin = 0): { image: RgbaImage; placement: Letterbox } {
	const placement = letterboxPlacement(frame.width, frame.height, margin);
	const w = Math.max(1, Math.round(frame.width * placement.scale));
	const h = Math.max(1, Math.round(frame.height * placement.scale));
	const small = resize(frame, w, h);
	const out = createImage(DETECT_WIDTH, DETECT_HEIGHT);
	out.data.fill(127);
	for (let y = 0; y < h; y++) {
		const src = y * w * 4;
		out.data.set(
			small.data.subarray(src, src + w * 4),
			((y + placement.offsetY) * DETECT_WIDTH + placement.offsetX) * 4
		);
	}
	return { image: out, placement };
}

export function detectorInput(image: RgbaImage, order: 'rgb' | 'bgr'): Float32Array {
	return toChwTensor(image, { order, mean: 127, std: 128 });
}

/**
 * Turns the model's outputs (scores [N,2] with class 1 = face, boxes [N,4] as normalised x1,y1,x2,y2 over the
 * 320x240 canvas) into frame-pixel boxes above `threshold`.
 */
export function decodeDetections(
	scores: ArrayLike<number>,
	boxes: ArrayLike<number>,
	placement: Letterbox,
	frameWidth: number,
	frameHeight: number,
	threshold: number
): RawDetection[] {
	const out: RawDetection[] = [];
	const n = scores.length / 2;
	for (let i = 0; i < n; i++) {
		const score = scores[i * 2 + 1];
		if (score < threshold) continue;
		const x1 = (boxes[i * 4] * DETECT_WIDTH - placement.offsetX) / placement.scale;
		const y1 = (boxes[i * 4 + 1] * DETECT_HEIGHT - placement.offsetY) / placement.scale;
		const x2 = (boxes[i * 4 + 2] * DETECT_WIDTH - placement.offsetX) / placement.scale;
		const y2 = (boxes[i * 4 + 3] * DETECT_HEIGHT - placement.offsetY) / placement.scale;
		const box = clipBox({ x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, frameWidth, frameHeight);
		if (box.width < 2 || box.height < 2) continue;
		out.push({ box, score });
	}
	return out;
}

/** Greedy non-maximum suppression: keeps the best-scoring box of every overlapping cluster. */
export function nms<T extends RawDetection>(detections: readonly T[], iouThreshold: number): T[] {
	const sorted = [...detections].sort((a, b) => b.score - a.score);
	const kept: T[] = [];
	for (const d of sorted) {
		if (kept.every((k) => iou(k.box, d.box) < iouThreshold)) kept.push(d);
	}
	return kept;
}
