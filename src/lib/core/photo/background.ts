// Background measures for the checks: the zones ICAO-style checkers read (a band along the top and the two
// sides down to eye level, outside the head), their mean colour, spread and how much of them is the spec's colour.
import { rgbToHsv, rgbToLabInto, type Lab } from '../image/colour.ts';
import type { Box, RgbaImage } from '../image/types.ts';
import type { BackgroundSpec } from './spec.ts';

export interface BackgroundStats {
	/** Pixels sampled. */
	count: number;
	meanRgb: [number, number, number];
	meanLab: Lab;
	/** Mean CIE76 distance of the sampled pixels from their mean colour: 0 = perfectly uniform. */
	spreadDeltaE: number;
	/** Share of sampled pixels whose colour falls in the spec's colour window. */
	insideShare: number;
	/** Hue/saturation/value of the mean colour. */
	meanHsv: { h: number; s: number; v: number };
}

/**
 * Marks the background zones: rows above the head (top 6% of the height, at least 4 px) and the outer 8% of each
 * side from the top down to eye level, leaving out the head region (the face box widened by 40% on each side and
 * raised to the top). Without a face the whole top band and both side bands to mid-height are sampled.
 */
export function backgroundZones(width: number, height: number, face: Box | null, eyeY?: number): Uint8Array {
	const zone = new Uint8Array(width * height);
	const topRows = Math.max(4, Math.round(height * 0.06));
	const sideCols = Math.max(4, Math.round(width * 0.08));
	const sideBottom = Math.round(face ? (eyeY ?? face.y + face.height * 0.4) : height * 0.5);
	const headLeft = face ? face.x - face.width * 0.4 : Infinity;
	const headRight = face ? face.x + face.width * 1.4 : -Infinity;
	// Only the rows and columns of the zones are visited (the rest of the mask stays 0): a whole-image pass cost
	// about 1 ms per photo on the server.
	const rows = Math.min(height, Math.max(topRows, sideBottom));
	const leftEnd = Math.min(sideCols, width);
	const rightStart = Math.max(width - sideCols, 0);
	for (let y = 0; y < rows; y++) {
		const row = y * width;
		// Below the top band, a row up to sideBottom is in the zones only in its outer columns.
		const spans = y < topRows ? [0, width] : [0, leftEnd, rightStart, width];
		for (let s = 0; s < spans.length; s += 2) {
			for (let x = spans[s]; x < spans[s + 1]; x++) {
				if (!(x >= headLeft && x <= headRight)) zone[row + x] = 1;
			}
		}
	}
	return zone;
}

/** Whether a pixel has the spec's colour (hue window, saturation and value floors); the HSV of rgbToHsv. */
export function isBackgroundColour(r: number, g: number, b: number, spec: BackgroundSpec): boolean {
	// rgbToHsv inlined: this runs for every sampled pixel, and an object per pixel showed up in GC time.
	const max = Math.max(r, g, b);
	const d = max - Math.min(r, g, b);
	if (!(max / 255 >= spec.minValue) || !((max === 0 ? 0 : d / max) >= spec.minSaturation)) return false;
	let h = 0;
	if (d > 0) {
		if (max === r) h = 60 * (((g - b) / d + 6) % 6);
		else if (max === g) h = 60 * ((b - r) / d + 2);
		else h = 60 * ((r - g) / d + 4);
	}
	return h >= spec.hueMin && h <= spec.hueMax;
}

/** Entries of the per-call colour cache of backgroundStats (a power of two) and the hash shift that indexes it. */
const COLOUR_CACHE = 4096;
const COLOUR_SHIFT = 32 - Math.log2(COLOUR_CACHE);

/** Statistics over the pixels where `mask` is non-zero (sampling every `step`-th pixel keeps it fast). */
export function backgroundStats(
	image: RgbaImage,
	mask: Uint8Array,
	spec: BackgroundSpec,
	step = 2
): BackgroundStats {
	const d = image.data;
	let n = 0;
	for (let i = 0; i < mask.length; i += step) if (mask[i]) n++;
	if (n === 0) {
		return {
			count: 0,
			meanRgb: [0, 0, 0],
			meanLab: { l: 0, a: 0, b: 0 },
			spreadDeltaE: 0,
			insideShare: 0,
			meanHsv: { h: 0, s: 0, v: 0 }
		};
	}
	// L, a, b of each sampled pixel, three numbers apiece, in sampling order: the sums below add them in the order
	// the earlier per-pixel objects were added, so the statistics are the same to the last bit.
	const lab = new Float64Array(n * 3);
	// A compliant background has few distinct colours (about 3% of the sampled pixels on the ID-photo fixtures):
	// a small direct-mapped cache of colour -> Lab and in-window flag skips the cube roots for repeats. The same
	// colour always gives the same numbers, so cached and computed values are identical.
	const cachedColour = new Int32Array(COLOUR_CACHE).fill(-1);
	const cachedLab = new Float64Array(COLOUR_CACHE * 3);
	const cachedInside = new Uint8Array(COLOUR_CACHE);
	let r = 0;
	let g = 0;
	let b = 0;
	let inside = 0;
	for (let i = 0, at = 0; i < mask.length; i += step) {
		if (!mask[i]) continue;
		const o = i * 4;
		const pr = d[o];
		const pg = d[o + 1];
		const pb = d[o + 2];
		r += pr;
		g += pg;
		b += pb;
		const colour = (pr << 16) | (pg << 8) | pb;
		const slot = Math.imul(colour, 0x9e3779b1) >>> COLOUR_SHIFT;
		if (cachedColour[slot] !== colour) {
			cachedColour[slot] = colour;
			rgbToLabInto(pr, pg, pb, cachedLab, slot * 3);
			cachedInside[slot] = isBackgroundColour(pr, pg, pb, spec) ? 1 : 0;
		}
		lab[at] = cachedLab[slot * 3];
		lab[at + 1] = cachedLab[slot * 3 + 1];
		lab[at + 2] = cachedLab[slot * 3 + 2];
		inside += cachedInside[slot];
		at += 3;
	}
	const meanRgb: [number, number, number] = [r / n, g / n, b / n];
	let sumL = 0;
	let sumA = 0;
	let sumB = 0;
	for (let at = 0; at < lab.length; at += 3) {
		sumL += lab[at];
		sumA += lab[at + 1];
		sumB += lab[at + 2];
	}
	const meanLab = { l: sumL / n, a: sumA / n, b: sumB / n };
	let spread = 0;
	for (let at = 0; at < lab.length; at += 3) {
		// deltaE (CIE76) of the pixel from the mean; the square root of the sum of squares rather than Math.hypot,
		// which cost ten times as much here (it guards against overflow that Lab differences never reach).
		const dl = lab[at] - meanLab.l;
		const da = lab[at + 1] - meanLab.a;
		const db = lab[at + 2] - meanLab.b;
		spread += Math.sqrt(dl * dl + da * da + db * db);
	}
	return {
		count: n,
		meanRgb,
		meanLab,
		spreadDeltaE: spread / n,
		insideShare: inside / n,
		meanHsv: rgbToHsv(meanRgb[0], meanRgb[1], meanRgb[2])
	};
}
