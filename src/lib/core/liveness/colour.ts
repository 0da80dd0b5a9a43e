// The colour challenge's judge (issue 18 item 1, core only): the server's nonce picks a sequence of screen colours;
// while the phone shows them, the light they cast on the face shifts its colour. Given the mean colour of the skin
// region on each frame and when each colour was on screen, this asks whether the face's colour followed the
// sequence. A pre-recorded or synthesised clip cannot know the sequence, so its colour does not follow it.
// Policy liveness.colour asks for it; the phone's liveness loop shows it and samples the skin per frame.
import type { DetectedFace } from '../face/types.ts';
import type { Box, RgbaImage } from '../image/types.ts';
import { nonceRng } from './challenge.ts';
import { pearson } from './stats.ts';

/** Screen colours: saturated, so each moves skin chromaticity in its own direction. */
export const COLOURS = {
	red: [255, 0, 0],
	green: [0, 255, 0],
	blue: [0, 0, 255],
	yellow: [255, 255, 0],
	magenta: [255, 0, 255],
	cyan: [0, 255, 255]
} as const;
export type ScreenColour = keyof typeof COLOURS;
const NAMES = Object.keys(COLOURS) as ScreenColour[];

/** How long each colour stays on (>= 334 ms: at most 3 changes a second, WCAG 2.3.1's flash limit). */
export const FLASH_MS = 500;

/**
 * Flashes in a sequence: with one evidence crop per flash, the server's judge needs this many for another nonce's
 * sequence to stay under the threshold (models/notes/liveness-evidence.md).
 */
export const COLOUR_FLASHES = 8;

/** The sequence for a nonce: `length` colours, no colour twice in a row. */
export function colourSequence(nonce: string, length = COLOUR_FLASHES): ScreenColour[] {
	const rng = nonceRng(`colour:${nonce}`);
	const out: ScreenColour[] = [];
	while (out.length < length) {
		const c = NAMES[Math.floor(rng() * NAMES.length)];
		if (c !== out[out.length - 1]) out.push(c);
	}
	return out;
}

export interface ColourSample {
	/** ms on the same clock as the flashes. */
	t: number;
	/** Mean R, G, B of the skin region. */
	rgb: readonly [number, number, number];
}

export interface ColourConfig {
	/** Frames this soon after a change are skipped (camera exposure and screen settle). */
	settleMs: number;
	/**
	 * Lowest correlation between expected and measured chromaticity shifts: placed between a relit fixture clip's
	 * own sequence and 30 other sequences (models/notes/liveness-evidence.md); not calibrated on real faces.
	 */
	minCorrelation: number;
	/** Flashes with fewer settled frames than this are not judged; fewer judged flashes than minFlashes fail. */
	minFramesPerFlash: number;
	minFlashes: number;
}

export const defaultColourConfig: ColourConfig = {
	settleMs: 120,
	minCorrelation: 0.75,
	minFramesPerFlash: 2,
	minFlashes: 4
};

const chroma = ([r, g, b]: readonly number[]) => {
	const s = r + g + b || 1;
	return [r / s, g / s, b / s];
};

export interface ColourVerdict {
	passed: boolean;
	correlation: number | null;
	flashesJudged: number;
}

/** The settled part of flash `i` (ms after the sequence began) and its middle, where an evidence crop is taken. */
export function flashWindow(
	i: number,
	config: ColourConfig = defaultColourConfig
): { from: number; to: number; mid: number } {
	const from = i * FLASH_MS + config.settleMs;
	const to = (i + 1) * FLASH_MS;
	return { from, to, mid: (from + to) / 2 };
}

/** The skin's mean colour per flash over its settled frames; null for a flash with too few of them. */
export function flashMeans(
	samples: readonly ColourSample[],
	flashes: number,
	startedAt: number,
	config: ColourConfig = defaultColourConfig
): (readonly [number, number, number] | null)[] {
	return Array.from({ length: flashes }, (_, i) => {
		const { from, to } = flashWindow(i, config);
		const inside = samples.filter((s) => s.t - startedAt >= from && s.t - startedAt < to);
		if (inside.length < config.minFramesPerFlash) return null;
		const [r, g, b] = [0, 1, 2].map((k) => inside.reduce((a, s) => a + s.rgb[k], 0) / inside.length);
		return [r, g, b] as const;
	});
}

/**
 * The one colour rule, for the phone's per-frame means and the server's per-flash crops alike: correlates, over
 * the flashes measured (null: not measured), the face's chromaticity shift from its own mean with the screen
 * colour's shift from the sequence's mean.
 */
export function judgeFlashColours(
	perFlash: readonly (readonly [number, number, number] | null)[],
	sequence: readonly ScreenColour[],
	config: ColourConfig = defaultColourConfig
): ColourVerdict {
	const measured: number[][] = [];
	const expected: number[][] = [];
	sequence.forEach((colour, i) => {
		const rgb = perFlash[i];
		if (!rgb) return;
		measured.push(chroma(rgb));
		expected.push(chroma(COLOURS[colour]));
	});
	if (measured.length < config.minFlashes)
		return { passed: false, correlation: null, flashesJudged: measured.length };
	const centre = (rows: number[][]) => {
		const m = [0, 1, 2].map((k) => rows.reduce((a, r) => a + r[k], 0) / rows.length);
		return rows.flatMap((r) => r.map((v, k) => v - m[k]));
	};
	const r = pearson(centre(measured), centre(expected));
	const correlation = Math.round(r * 1000) / 1000;
	return { passed: correlation >= config.minCorrelation, correlation, flashesJudged: measured.length };
}

/** The phone's judge: the skin's colour on every measured frame, averaged per flash, then judgeFlashColours. */
export function judgeColourResponse(
	samples: readonly ColourSample[],
	sequence: readonly ScreenColour[],
	startedAt: number,
	config: ColourConfig = defaultColourConfig
): ColourVerdict {
	return judgeFlashColours(flashMeans(samples, sequence.length, startedAt, config), sequence, config);
}

/**
 * The skin region whose colour is measured: cheeks, nose and upper lip, between the eyes' line and the mouth's, inset
 * from the box's sides. Hair, eyebrows, eyes and background reflect the screen differently or move with the actions.
 * With the five keypoints the band follows the eyes and mouth; without them, fixed fractions of the box.
 */
export function skinRegion(face: Pick<DetectedFace, 'box' | 'keypoints'>): Box {
	const { box, keypoints } = face;
	const [rightEye, leftEye, , rightMouth, leftMouth] = keypoints ?? [];
	const eyesY = rightEye && leftEye ? (rightEye.y + leftEye.y) / 2 : box.y + box.height * 0.4;
	const mouthY = rightMouth && leftMouth ? (rightMouth.y + leftMouth.y) / 2 : box.y + box.height * 0.75;
	const gap = Math.max(1, mouthY - eyesY);
	const top = eyesY + gap * 0.2;
	const bottom = mouthY - gap * 0.1;
	const x = box.x + box.width * 0.25;
	return { x, y: top, width: box.width * 0.5, height: Math.max(1, bottom - top) };
}

/** Mean R, G, B of the region (clipped to the image), every `step`-th pixel each way; null when nothing is inside. */
export function regionMean(image: RgbaImage, region: Box, step = 2): [number, number, number] | null {
	const x0 = Math.max(0, Math.floor(region.x));
	const y0 = Math.max(0, Math.floor(region.y));
	const x1 = Math.min(image.width, Math.ceil(region.x + region.width));
	const y1 = Math.min(image.height, Math.ceil(region.y + region.height));
	let r = 0;
	let g = 0;
	let b = 0;
	let n = 0;
	for (let y = y0; y < y1; y += step)
		for (let x = x0; x < x1; x += step) {
			const p = (y * image.width + x) * 4;
			r += image.data[p];
			g += image.data[p + 1];
			b += image.data[p + 2];
			n++;
		}
	return n ? [r / n, g / n, b / n] : null;
}

/** What the capture observed of the colour challenge: the sequence shown, when it began, the skin's colour per frame. */
export interface ColourObserved {
	sequence: readonly ScreenColour[];
	startedAt: number;
	samples: readonly ColourSample[];
}

/** The colour on screen `elapsed` ms after the sequence began; null before it and once it is over. */
export function colourAt(sequence: readonly ScreenColour[], elapsed: number): ScreenColour | null {
	return elapsed < 0 ? null : (sequence[Math.floor(elapsed / FLASH_MS)] ?? null);
}
