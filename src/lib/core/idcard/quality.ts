// Capture quality of the rectified card, judged after it has been read: a reason (too dark, glare, blurred) is
// given only when the fields did not read or failed their checks, and then only a cause that is present, so an
// evenly bright but legible card is never sent back for "glare".
import type { Box, RgbaImage } from '../image/types.ts';
import { toGray } from '../image/ops.ts';
import { PRINT_AREAS } from './field-areas.ts';
import type { CardFields, CardSide } from './fields.ts';
import { reason, type Reason } from './reasons.ts';

export interface CaptureQuality {
	/** Mean luma 0..255. */
	brightness: number;
	/**
	 * Largest share of one always-printed stretch of the card (see PRINT_AREAS) lying under a saturated patch with
	 * no print in it: a lamp's reflection hiding text. An evenly bright card keeps its print and scores ~0.
	 */
	glare: number;
	/** The fields whose print is partly hidden under such a patch. */
	glareOver: (keyof CardFields)[];
	/**
	 * The fields with at least one character's place of their always-printed stretch mostly under such a patch: a
	 * reflection too small to refuse the card that can still hide a character or three (巴中市公安局 read 巴中市),
	 * so the field is flagged for a retake or the candidate's confirmation instead of accepted as read.
	 */
	hiddenIn: (keyof CardFields)[];
	/** Share of the card's pixels at luma >= 250 (an evenly bright, overexposed card; informative only). */
	overexposure: number;
	/** Mean absolute Laplacian over the strongest 5% edges: sharp print gives high values. */
	sharpness: number;
}

/**
 * Gates, applied only to a reading that failed: a lamp patch over a printed stretch hides it (half of a stretch
 * covered loses characters); Gaussian blur sigma 3 px at 70 % fill gives sharpness ~6 and does not read; mean
 * luma below ~55 is a dark room.
 */
export const QUALITY_LIMITS = { minBrightness: 55, maxGlare: 0.5, minSharpness: 8 };

/** Luma a pixel of a specular patch reaches (JPEG rings a blown patch down to ~245). */
const SATURATED = 240;
/** Print is darker than this even on an overexposed card. */
const INK = 170;
/** A saturated pixel counts as hiding print only when no ink lies within this many card pixels. */
const INK_RADIUS = 10;
/** One printed character's place along a field's line, in card pixels (the values print at ~28 px a character). */
const CHARACTER_CELL = 28;
/** Share of one character's place under a patch with no print from which that character counts as hidden. */
export const HIDDEN_CHARACTER = 0.5;
/**
 * Above this share of blown pixels the card is overexposed as a whole, and blank paper between print is as white
 * as a reflection: the character-level measure would name every field (measured on tuning captures: a lamp's
 * reflection blows 1-2 % of the card, a bright card over a dark desk 10-95 %), so it is left to the refusal measure
 * and the authority's list there.
 */
export const LOCAL_GLARE_MAX_OVEREXPOSURE = 0.05;

/**
 * Minimum over each window of `count` values from `src` (start `from`, step `step`), the window reaching `r` either
 * side and clipped at the ends, written to `dst` with the same layout. A queue of indices whose values increase
 * keeps each step O(1), where rescanning the window cost 2r+1 reads per pixel.
 */
function slidingMin(
	src: Float32Array,
	dst: Float32Array,
	from: number,
	step: number,
	count: number,
	r: number,
	queue: Int32Array
): void {
	let head = 0;
	let tail = 0;
	for (let k = 0; k < count + r; k++) {
		if (k < count) {
			const v = src[from + k * step];
			while (tail > head && src[from + queue[tail - 1] * step] >= v) tail--;
			queue[tail++] = k;
		}
		const centre = k - r;
		if (centre < 0) continue;
		while (queue[head] < centre - r) head++;
		dst[from + centre * step] = src[from + queue[head] * step];
	}
}

/** Running minimum over a (2r+1) window along rows, then columns (a square min filter). */
function minFilter(g: Float32Array, w: number, h: number, r: number): Float32Array {
	const tmp = new Float32Array(w * h);
	const out = new Float32Array(w * h);
	const queue = new Int32Array(Math.max(w, h));
	for (let y = 0; y < h; y++) slidingMin(g, tmp, y * w, 1, w, r, queue);
	for (let x = 0; x < w; x++) slidingMin(tmp, out, x, w, h, r, queue);
	return out;
}

/**
 * The card's luma and, at half resolution (enough for patches tens of pixels across), 1 where a pixel is saturated
 * with no ink within INK_RADIUS: print hidden under a reflection, or blank paper. Built once per capture for every
 * measure that needs it (measureQuality, hiddenInValues).
 */
export interface CardLuma {
	gray: Float32Array;
	width: number;
	height: number;
	hidden: Uint8Array;
	hw: number;
	hh: number;
}

export function cardLuma(card: RgbaImage): CardLuma {
	const g = toGray(card);
	const { width: w, height: h } = card;
	const hw = w >> 1;
	const hh = h >> 1;
	const half = new Float32Array(hw * hh);
	for (let y = 0; y < hh; y++)
		for (let x = 0; x < hw; x++) {
			const i = 2 * y * w + 2 * x;
			const top = g[i] < g[i + 1] ? g[i] : g[i + 1];
			const bottom = g[i + w] < g[i + w + 1] ? g[i + w] : g[i + w + 1];
			half[y * hw + x] = top < bottom ? top : bottom;
		}
	const nearestInk = minFilter(half, hw, hh, INK_RADIUS >> 1);
	const hidden = new Uint8Array(hw * hh);
	for (let i = 0; i < hidden.length; i++) hidden[i] = half[i] >= SATURATED && nearestInk[i] >= INK ? 1 : 0;
	return { gray: g, width: w, height: h, hidden, hw, hh };
}

/**
 * Whether any window `width` columns wide holds at least `need` hidden pixels, given the hidden pixels per column
 * of a stretch (characters do not sit at fixed places once the card is rectified, so every offset is tried).
 */
function anyWindowHolds(column: Uint32Array, width: number, need: number): boolean {
	let sum = 0;
	for (let x = 0; x < column.length; x++) {
		sum += column[x] - (x >= width ? column[x - width] : 0);
		if (sum >= need) return true;
	}
	return false;
}

/** Glare over print for one side: the largest hidden share of a printed stretch, and the fields hidden. */
function glareOverPrint(
	luma: CardLuma,
	side: CardSide
): { glare: number; over: (keyof CardFields)[]; hiddenIn: (keyof CardFields)[] } {
	const { width: w, hidden: isHidden, hw, hh } = luma;
	let glare = 0;
	const over = new Set<keyof CardFields>();
	const hiddenIn = new Set<keyof CardFields>();
	const cell = Math.max(1, Math.round((CHARACTER_CELL * hw) / w));
	for (const a of PRINT_AREAS[side]) {
		const x0 = Math.floor(a.x0 * hw);
		const x1 = Math.ceil(a.x1 * hw);
		const y0 = Math.floor(a.y0 * hh);
		const y1 = Math.ceil(a.y1 * hh);
		// Hidden pixels per column, summed over the stretch and over each character's place in it.
		const column = new Uint32Array(x1 - x0);
		for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) column[x - x0] += isHidden[y * hw + x];
		const rows = Math.max(1, y1 - y0);
		const share = column.reduce((s, v) => s + v, 0) / Math.max(1, column.length * rows);
		glare = Math.max(glare, share);
		if (!a.field) continue;
		if (share >= QUALITY_LIMITS.maxGlare) over.add(a.field);
		const width = Math.min(cell, column.length);
		if (anyWindowHolds(column, width, HIDDEN_CHARACTER * width * rows)) hiddenIn.add(a.field);
	}
	return { glare, over: [...over], hiddenIn: [...hiddenIn] };
}

/**
 * The fields whose value, where the reader found it, has a character's worth of print hidden under a reflection:
 * along each row of the value (from where values start, PRINT_AREAS, to its last box; every row but the last to
 * the longest row's end, as a wrapped value fills it), within the boxes' height and a quarter more on each side,
 * any window one character wide holding at least half a character's area of saturated paper with no ink near
 * (not on an overexposed card, see LOCAL_GLARE_MAX_OVEREXPOSURE).
 * A reflection between two lines (the lower half of one, the upper half of the next) or in a gap the detector left
 * between two boxes of one line shows here, where the fixed always-printed stretches miss it.
 */
export function hiddenInValues(
	luma: CardLuma,
	quality: CaptureQuality,
	values: Partial<Record<keyof CardFields, readonly Box[]>>
): (keyof CardFields)[] {
	if (quality.overexposure > LOCAL_GLARE_MAX_OVEREXPOSURE) return [];
	const { width: w, hidden, hw, hh } = luma;
	const out: (keyof CardFields)[] = [];
	for (const [field, boxes] of Object.entries(values) as [keyof CardFields, readonly Box[]][]) {
		const areas = Object.values(PRINT_AREAS).flatMap((a) => a.filter((x) => x.field === field));
		if (!boxes.length || !areas.length) continue;
		const start = Math.min(...areas.map((a) => a.x0)) * w;
		const rowsOf = valueRows(boxes);
		const fullEnd = Math.max(...rowsOf.map((r) => r.x1));
		const hit = rowsOf.some((row, i) => {
			const x0 = Math.max(0, Math.floor(Math.max(start, row.x0) / 2));
			const x1 = Math.min(hw, Math.ceil((i < rowsOf.length - 1 ? fullEnd : row.x1) / 2));
			const pad = row.height / 4;
			const y0 = Math.max(0, Math.floor((row.y - pad) / 2));
			const y1 = Math.min(hh, Math.ceil((row.y + row.height + pad) / 2));
			const cell = Math.max(1, Math.round(row.height / 2));
			const column = new Uint32Array(Math.max(0, x1 - x0));
			for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) column[x - x0] += hidden[y * hw + x];
			return anyWindowHolds(column, cell, HIDDEN_CHARACTER * cell * cell);
		});
		if (hit) out.push(field);
	}
	return out;
}

/** Boxes grouped into the rows they print on (by vertical overlap), top to bottom, as one span each. */
function valueRows(boxes: readonly Box[]): { x0: number; x1: number; y: number; height: number }[] {
	const rows: { x0: number; x1: number; y: number; height: number }[] = [];
	for (const b of [...boxes].sort((a, b) => a.y - b.y)) {
		const row = rows.find((r) => b.y + b.height / 2 > r.y && b.y + b.height / 2 < r.y + r.height);
		if (row) {
			row.x0 = Math.min(row.x0, b.x);
			row.x1 = Math.max(row.x1, b.x + b.width);
		} else rows.push({ x0: b.x, x1: b.x + b.width, y: b.y, height: b.height });
	}
	return rows;
}

/**
 * Measures the rectified card; `side` picks where print must be (both sides' when unknown). A caller that goes on
 * to hiddenInValues passes the card's luma it built, so the card is converted and mapped once.
 */
export function measureQuality(
	card: RgbaImage,
	side: CardSide | null,
	luma: CardLuma = cardLuma(card)
): CaptureQuality {
	const { gray: g, width: w, height: h } = luma;
	let sum = 0;
	let blown = 0;
	for (let i = 0; i < g.length; i++) {
		sum += g[i];
		if (g[i] >= 250) blown++;
	}
	const sides: CardSide[] = side ? [side] : ['portrait', 'emblem'];
	const glare = sides.map((s) => glareOverPrint(luma, s)).sort((a, b) => b.glare - a.glare)[0];
	// Mean of the top 5% |Laplacian| values, from a histogram (no sort of half a million numbers).
	const hist = new Uint32Array(1021);
	let n = 0;
	for (let y = 1; y < h - 1; y++) {
		for (let x = 1; x < w - 1; x++) {
			const i = y * w + x;
			hist[Math.min(1020, Math.round(Math.abs(4 * g[i] - g[i - 1] - g[i + 1] - g[i - w] - g[i + w])))]++;
			n++;
		}
	}
	const want = Math.max(1, Math.floor(n * 0.05));
	let taken = 0;
	let total = 0;
	for (let v = 1020; v >= 0 && taken < want; v--) {
		const k = Math.min(hist[v], want - taken);
		taken += k;
		total += k * v;
	}
	return {
		brightness: sum / g.length,
		glare: glare.glare,
		glareOver: glare.over,
		hiddenIn: blown / g.length > LOCAL_GLARE_MAX_OVEREXPOSURE ? [] : glare.hiddenIn,
		overexposure: blown / g.length,
		sharpness: total / taken
	};
}

/** The capture causes present on the card (in the order a candidate should fix them). */
export function qualityReasons(q: CaptureQuality): Reason[] {
	const reasons: Reason[] = [];
	if (q.glare >= QUALITY_LIMITS.maxGlare) {
		reasons.push(
			reason(
				'capture.glare',
				'证件反光，遮住了文字，请调整角度避开灯光',
				'Glare hides text on the card: tilt it away from the light'
			)
		);
	}
	if (q.brightness < QUALITY_LIMITS.minBrightness) {
		reasons.push(reason('capture.too_dark', '光线太暗，请到明亮处拍摄', 'Too dark: move somewhere brighter'));
	}
	if (q.sharpness < QUALITY_LIMITS.minSharpness) {
		reasons.push(
			reason(
				'capture.blurred',
				'图像模糊，请对焦并保持稳定',
				'The image is blurred: let the camera focus and hold still'
			)
		);
	}
	return reasons;
}
