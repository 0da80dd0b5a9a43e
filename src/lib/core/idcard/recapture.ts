// Recapture warnings, measured on the rectified card before OCR: a photo of a screen (sub-pixel grid, moiré,
// refresh bands: a periodic texture strongest in colour), a photocopy or grey copy (no colour in the emblem, the
// blue labels or the background pattern) or a print (halftone dots: a periodic texture in brightness). A warning
// never blocks the candidate; it asks for the original card and travels in the bundle for the reviewer.
import { kthSmallest } from '../image/stats.ts';
import type { RgbaImage } from '../image/types.ts';
import { reason, type Reason } from './reasons.ts';

export type RecaptureKind = 'screen' | 'photocopy' | 'print';

export interface RecaptureMeasures {
	/** 99th percentile of white-balanced chroma (0..255) over the card: a genuine card's emblem and labels are colourful. */
	colour: number;
	/**
	 * Fine colour texture on blank paper (mean |Laplacian| of the two chroma planes, levels): a screen's red,
	 * green and blue sub-pixels and a print's cyan, magenta and yellow dots are colour at the finest scale, where
	 * a card's paper is smooth.
	 */
	fineColour: number;
	/** Median |Laplacian| of luma on blank paper: halftone dots and pixel grids give the paper a texture. */
	paperTexture: number;
}

export interface RecaptureCheck {
	kind: RecaptureKind | null;
	measures: RecaptureMeasures;
}

/** Limits tuned on generated genuine cards and recaptures (seeds 5000+; see models/notes/idcard.md). */
export const RECAPTURE_LIMITS = { minColour: 12, maxFineColour: 8, screenFineColour: 130 };

/** The value at rank floor(q * n) of the sorted values (0 for none), by the image core's selection. */
function percentile(values: Float32Array, q: number): number {
	return values.length ? kthSmallest(values, Math.min(values.length - 1, Math.floor(q * values.length))) : 0;
}

/**
 * The value at rank floor(q * n) of channel `c` over every `step`-th pixel: what percentile() gives for those
 * bytes, counted in 256 bins instead of selected.
 */
function byteQuantile(d: RgbaImage['data'], c: number, step: number, q: number): number {
	const counts = new Uint32Array(256);
	let n = 0;
	for (let i = c; i < d.length; i += 4 * step, n++) counts[d[i]]++;
	const rank = Math.min(n - 1, Math.floor(q * n));
	let seen = 0;
	for (let v = 0; v < 256; v++) {
		seen += counts[v];
		if (seen > rank) return v;
	}
	return 0;
}

/** Whether any pixel 0, 2 or 4 px away in each direction (a 5x5 grid around `i`) is near dark print. */
function darkWithin4(darkNear: Uint8Array, i: number, w: number): boolean {
	for (let dy = -4; dy <= 4; dy += 2) {
		const row = i + dy * w;
		if (darkNear[row - 4] | darkNear[row - 2] | darkNear[row] | darkNear[row + 2] | darkNear[row + 4])
			return true;
	}
	return false;
}

/** The card white-balanced per channel: its luma, red - blue, green - magenta and chroma (max - min) planes. */
function balancedPlanes(d: RgbaImage['data'], n: number, gains: number[]) {
	const luma = new Float32Array(n);
	const rb = new Float32Array(n);
	const gm = new Float32Array(n);
	const chroma = new Float32Array(n);
	const [gr, gg, gb] = gains;
	for (let i = 0; i < n; i++) {
		const r = d[i * 4] * gr;
		const g = d[i * 4 + 1] * gg;
		const b = d[i * 4 + 2] * gb;
		luma[i] = 0.299 * r + 0.587 * g + 0.114 * b;
		rb[i] = r - b;
		gm[i] = g - (r + b) / 2;
		// Written out: Math.max and Math.min of three arguments took a third of this loop's time.
		const hi = r > g ? (r > b ? r : b) : g > b ? g : b;
		const lo = r < g ? (r < b ? r : b) : g < b ? g : b;
		chroma[i] = hi - lo;
	}
	return { luma, rb, gm, chroma };
}

/** The 99th percentile of chroma's 3x3 means on every second pixel and row inside a margin of `m` pixels. */
function colourPercentile(chroma: Float32Array, w: number, h: number, m: number): number {
	const samples = new Float32Array(Math.ceil((h - 2 * m) / 2) * Math.ceil((w - 2 * m) / 2));
	let sampled = 0;
	for (let y = m; y < h - m; y += 2)
		for (let x = m; x < w - m; x += 2) {
			let s = 0;
			for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += chroma[(y + dy) * w + x + dx];
			samples[sampled++] = s / 9;
		}
	return percentile(samples.subarray(0, sampled), 0.99);
}

/** The value at rank floor(q * n) of every seventh luma value. */
function lumaQuantile(luma: Float32Array, q: number): number {
	const everySeventh = new Float32Array(Math.ceil(luma.length / 7));
	for (let i = 0, j = 0; i < luma.length; i += 7, j++) everySeventh[j] = luma[i];
	return percentile(everySeventh, q);
}

/**
 * 1 where a pixel's 3x3 luma mean is below `dark`: each pixel is compared once here, not again for every paper
 * sample within 4 px of it (up to 25 times).
 */
function darkNearMap(luma: Float32Array, w: number, h: number, dark: number): Uint8Array {
	const darkNear = new Uint8Array(w * h);
	for (let y = 1; y < h - 1; y++)
		for (let x = 1; x < w - 1; x++) {
			const i = y * w + x;
			const mean3 =
				(luma[i - w - 1] +
					luma[i - w] +
					luma[i - w + 1] +
					luma[i - 1] +
					luma[i] +
					luma[i + 1] +
					luma[i + w - 1] +
					luma[i + w] +
					luma[i + w + 1]) /
				9;
			darkNear[i] = mean3 < dark ? 1 : 0;
		}
	return darkNear;
}

/** Fine colour and luma texture on the blank paper: one sample in three columns per row, away from print. */
function paperMeasures(
	planes: { luma: Float32Array; rb: Float32Array; gm: Float32Array },
	darkNear: Uint8Array,
	w: number,
	h: number,
	m: number
): { fineColour: number; paperTexture: number } {
	const { luma, rb, gm } = planes;
	let fineC = 0;
	const paper = new Float32Array((h - 2 * m) * Math.ceil((w - 2 * m) / 3));
	let papers = 0;
	for (let y = m; y < h - m; y++)
		for (let x = m + ((3 - ((m + y) % 3)) % 3); x < w - m; x += 3) {
			const i = y * w + x;
			if (darkWithin4(darkNear, i, w)) continue;
			paper[papers++] = Math.abs(4 * luma[i] - luma[i - 1] - luma[i + 1] - luma[i - w] - luma[i + w]);
			fineC +=
				Math.abs(4 * rb[i] - rb[i - 1] - rb[i + 1] - rb[i - w] - rb[i + w]) +
				Math.abs(4 * gm[i] - gm[i - 1] - gm[i + 1] - gm[i - w] - gm[i + w]);
		}
	return {
		fineColour: papers ? fineC / papers : 255,
		paperTexture: papers ? percentile(paper.subarray(0, papers), 0.5) : 255
	};
}

// Each loop is a function of its own: V8 optimises a small function once and keeps it, where one long function
// of five loops was entered through on-stack replacement loop by loop and kept deoptimising at the loops after
// (models/notes/ocr.md).
export function measureRecapture(card: RgbaImage): RecaptureMeasures {
	const { width: w, height: h, data: d } = card;
	const n = w * h;
	// White balance on the paper: each channel's 90th percentile (of every seventh pixel) maps to 235.
	const gains = [0, 1, 2].map((c) => 235 / Math.max(1, byteQuantile(d, c, 7, 0.9)));
	const planes = balancedPlanes(d, n, gains);
	// Colour from a 3x3 mean (noise and JPEG chroma ringing average out), inside a 4 % margin.
	const m = Math.round(0.04 * Math.min(w, h));
	const colour = colourPercentile(planes.chroma, w, h, m);
	// Fine texture on blank paper: nothing darker than 65 % of the paper within 4 px (luma averaged over 3x3, so a
	// screen's sub-pixel stripes do not read as print). A genuine card's fine colour lies at the edges of its print
	// (JPEG halves colour resolution, a coloured light tints those edges); a screen's or a print's covers the paper.
	const dark = 0.65 * lumaQuantile(planes.luma, 0.9);
	return { colour, ...paperMeasures(planes, darkNearMap(planes.luma, w, h, dark), w, h, m) };
}

export function checkRecapture(card: RgbaImage): RecaptureCheck {
	const measures = measureRecapture(card);
	let kind: RecaptureKind | null = null;
	if (measures.colour < RECAPTURE_LIMITS.minColour) kind = 'photocopy';
	else if (measures.fineColour >= RECAPTURE_LIMITS.maxFineColour)
		// Sub-pixels are saturated primaries a pixel apart; halftone inks are paler and their dots sparser.
		kind = measures.fineColour >= RECAPTURE_LIMITS.screenFineColour ? 'screen' : 'print';
	return { kind, measures };
}

/** Whether a reason code is one of the recapture warnings below. */
export const isRecaptureCode = (code: string) => code.startsWith('capture.recapture.');

/** The warning shown to the candidate and recorded for the reviewer (never a refusal). */
export const RECAPTURE_REASONS: Record<RecaptureKind, Reason> = {
	screen: reason(
		'capture.recapture.screen',
		'这似乎是屏幕上显示的证件，请直接拍摄身份证原件',
		'This looks like a card shown on a screen: photograph the original ID card'
	),
	photocopy: reason(
		'capture.recapture.photocopy',
		'这似乎是证件的复印件或黑白照片，请拍摄身份证原件',
		'This looks like a photocopy or a black-and-white copy: photograph the original ID card'
	),
	print: reason(
		'capture.recapture.print',
		'这似乎是打印的证件，请拍摄身份证原件',
		'This looks like a printed copy of a card: photograph the original ID card'
	)
};
