// Person/background separation without a model: region growing from the photo's borders in CIELAB, with the
// face as a prior. Deterministic and fast, right for the plain backdrops the guides ask for; a busy background
// is detected (the grown region is not uniform or reaches too little of the border) and reported, not guessed.
import { deltaE, rgbToLab, type Lab } from '../image/colour.ts';
import { resize } from '../image/ops.ts';
import type { Box, RgbaImage } from '../image/types.ts';

/**
 * A person map over an image: alpha 0..1 (1 = person) on a coarse grid (the model's 256x256, the colour path's
 * working size) spread evenly over the image. It is sampled bilinearly where needed (personAlphaAt) instead of
 * being upsampled to every source pixel, which on a phone frame would cost more than the model itself.
 */
export interface PersonMask {
	/** Size of the image the mask describes. */
	width: number;
	height: number;
	gridWidth: number;
	gridHeight: number;
	alpha: Float32Array;
	/** Which path produced it, recorded in every output report. */
	method: 'colour-region' | 'selfie-segmentation';
	/** Mean colour of what was taken as background. */
	backgroundRgb: [number, number, number];
	/** Mean CIE76 distance of background pixels from their mean (low = plain backdrop). */
	backgroundSpreadDeltaE: number;
	/** Share of the seeded border (top and upper sides) that joined the background. */
	borderCoverage: number;
}

export interface ColourSegmentOptions {
	/** Longest side of the working copy: the mask grid has this size and is sampled bilinearly. */
	workSize?: number;
	/** Largest step between neighbouring background pixels (follows gentle gradients, stops at edges). */
	stepDeltaE?: number;
	/** Largest distance from the seeds' mean colour (stops leaks through soft hair edges). */
	globalDeltaE?: number;
	/** Edge pixels this close to the backdrop colour are backdrop, whatever the step test said. */
	edgeDeltaE?: number;
}

const DEFAULTS = { workSize: 192, stepDeltaE: 4.5, globalDeltaE: 22, edgeDeltaE: 15 };

export function segmentByColour(image: RgbaImage, face: Box, options: ColourSegmentOptions = {}): PersonMask {
	const opt = { ...DEFAULTS, ...options };
	const scale = Math.min(1, opt.workSize / Math.max(image.width, image.height));
	const w = Math.max(8, Math.round(image.width * scale));
	const h = Math.max(8, Math.round(image.height * scale));
	const small = resize(image, w, h);
	const lab: Lab[] = new Array(w * h);
	for (let i = 0; i < w * h; i++)
		lab[i] = rgbToLab(small.data[i * 4], small.data[i * 4 + 1], small.data[i * 4 + 2]);

	const sx = w / image.width;
	const sy = h / image.height;
	const f = { x: face.x * sx, y: face.y * sy, w: face.width * sx, h: face.height * sy };
	// Never background: an ellipse over the face, and the head column above it down to the chin.
	const protectedPx = new Uint8Array(w * h);
	const cx = f.x + f.w / 2;
	const cy = f.y + f.h / 2;
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			const ex = (x - cx) / (f.w * 0.5);
			const ey = (y - cy) / (f.h * 0.55);
			if (ex * ex + ey * ey <= 1) protectedPx[y * w + x] = 1;
		}

	// Seeds: the top row and both sides down to the chin, away from the head's column.
	const seeds: number[] = [];
	const headLeft = f.x - f.w * 0.35;
	const headRight = f.x + f.w * 1.35;
	const sideBottom = Math.min(h - 1, Math.round(f.y + f.h));
	for (let x = 0; x < w; x++) if (x < headLeft || x > headRight) seeds.push(x);
	for (let y = 1; y <= sideBottom; y++) seeds.push(y * w, y * w + w - 1);
	const seedMean = meanLab(seeds.map((i) => lab[i]));
	// Seeds far from the typical border colour (a shoulder touching the edge, a lamp) are not used.
	const goodSeeds = seeds.filter((i) => deltaE(lab[i], seedMean) <= opt.globalDeltaE);
	const ref = meanLab(goodSeeds.map((i) => lab[i]));

	const seedsInBackdrop = goodSeeds.filter((i) => !protectedPx[i] && deltaE(lab[i], ref) <= opt.globalDeltaE);
	const background = floodFill(
		w,
		h,
		seedsInBackdrop,
		(n, from) =>
			!protectedPx[n] &&
			deltaE(lab[n], lab[from]) <= opt.stepDeltaE &&
			deltaE(lab[n], ref) <= opt.globalDeltaE
	);

	// Transition pixels (anti-aliasing, JPEG ringing) stop the step test but still look like the backdrop:
	// two passes hand person pixels touching the background back to it when they are near the backdrop colour.
	for (let pass = 0; pass < 2; pass++) {
		const add: number[] = [];
		for (let i = 0; i < w * h; i++) {
			if (background[i] || protectedPx[i]) continue;
			const x = i % w;
			const touches =
				(x > 0 && background[i - 1]) ||
				(x < w - 1 && background[i + 1]) ||
				(i >= w && background[i - w]) ||
				(i + w < w * h && background[i + w]);
			if (touches && deltaE(lab[i], ref) <= opt.edgeDeltaE) add.push(i);
		}
		for (const i of add) background[i] = 1;
	}

	const coverage = seeds.length ? seeds.filter((i) => background[i]).length / seeds.length : 0;
	const bgIdx: number[] = [];
	for (let i = 0; i < w * h; i++) if (background[i]) bgIdx.push(i);
	const bgLab = meanLab(bgIdx.map((i) => lab[i]));
	const spread = bgIdx.length
		? bgIdx.reduce((s, i) => s + deltaE(lab[i], bgLab), 0) / bgIdx.length
		: Infinity;
	const rgb: [number, number, number] = [0, 0, 0];
	for (const i of bgIdx) for (let c = 0; c < 3; c++) rgb[c] += small.data[i * 4 + c];
	for (let c = 0; c < 3; c++) rgb[c] = bgIdx.length ? rgb[c] / bgIdx.length : 0;

	const person = keepPersonComponent(background, w, h, Math.round(cy) * w + Math.round(cx));
	const soft = boxBlur(person, w, h);
	return {
		width: image.width,
		height: image.height,
		gridWidth: w,
		gridHeight: h,
		alpha: soft,
		method: 'colour-region',
		backgroundRgb: rgb,
		backgroundSpreadDeltaE: spread,
		borderCoverage: coverage
	};
}

function meanLab(values: readonly Lab[]): Lab {
	if (values.length === 0) return { l: 0, a: 0, b: 0 };
	const s = values.reduce((a, p) => ({ l: a.l + p.l, a: a.a + p.a, b: a.b + p.b }), { l: 0, a: 0, b: 0 });
	return { l: s.l / values.length, a: s.a / values.length, b: s.b / values.length };
}

/** The person is the non-background region connected to the face; specks elsewhere go to the background. */
function keepPersonComponent(background: Uint8Array, w: number, h: number, start: number): Float32Array {
	if (background[start]) return new Float32Array(w * h);
	return Float32Array.from(floodFill(w, h, [start], (n) => !background[n]));
}

/**
 * The 4-connected region of a w x h grid grown from `seeds` into each neighbour that `joins(next, from)` allows:
 * 1 inside, 0 outside.
 */
function floodFill(
	w: number,
	h: number,
	seeds: readonly number[],
	joins: (next: number, from: number) => boolean
): Uint8Array {
	const filled = new Uint8Array(w * h);
	const queue = new Int32Array(w * h);
	let head = 0;
	let tail = 0;
	for (const i of seeds) {
		if (filled[i]) continue;
		filled[i] = 1;
		queue[tail++] = i;
	}
	while (head < tail) {
		const i = queue[head++];
		const x = i % w;
		const y = (i - x) / w;
		const neighbours = [
			x > 0 ? i - 1 : -1,
			x < w - 1 ? i + 1 : -1,
			y > 0 ? i - w : -1,
			y < h - 1 ? i + w : -1
		];
		for (const n of neighbours) {
			if (n < 0 || filled[n] || !joins(n, i)) continue;
			filled[n] = 1;
			queue[tail++] = n;
		}
	}
	return filled;
}

/** 3x3 box blur: turns the hard mask edge into a one-pixel ramp at working scale (a soft edge after upsampling). */
function boxBlur(src: Float32Array, w: number, h: number): Float32Array {
	const out = new Float32Array(w * h);
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			let s = 0;
			let n = 0;
			for (let dy = -1; dy <= 1; dy++)
				for (let dx = -1; dx <= 1; dx++) {
					const xx = x + dx;
					const yy = y + dy;
					if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
					s += src[yy * w + xx];
					n++;
				}
			out[y * w + x] = s / n;
		}
	return out;
}

/** The mask's alpha at image pixel (x, y), bilinear between grid cells (cell centres, edges clamped). */
export function personAlphaAt(mask: PersonMask, x: number, y: number): number {
	const { gridWidth: w, gridHeight: h, alpha } = mask;
	const u = Math.min(Math.max(((x + 0.5) * w) / mask.width - 0.5, 0), w - 1);
	const v = Math.min(Math.max(((y + 0.5) * h) / mask.height - 0.5, 0), h - 1);
	const x0 = Math.floor(u);
	const y0 = Math.floor(v);
	const x1 = Math.min(x0 + 1, w - 1);
	const y1 = Math.min(y0 + 1, h - 1);
	const fx = u - x0;
	const fy = v - y0;
	const a = alpha[y0 * w + x0] * (1 - fx) + alpha[y0 * w + x1] * fx;
	const b = alpha[y1 * w + x0] * (1 - fx) + alpha[y1 * w + x1] * fx;
	return a * (1 - fy) + b * fy;
}
