// Background measures for the checks: the zones ICAO-style checkers read (a band along the top and the two
// sides down to eye level, outside the head), their mean colour, spread and how much of them is the spec's colour.
import { deltaE, rgbToHsv, rgbToLab, type Lab } from '../image/colour.ts';
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
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const inTop = y < topRows;
			const inSide = y < sideBottom && (x < sideCols || x >= width - sideCols);
			const inHead = x >= headLeft && x <= headRight;
			if ((inTop || inSide) && !inHead) zone[y * width + x] = 1;
		}
	}
	return zone;
}

export function isBackgroundColour(r: number, g: number, b: number, spec: BackgroundSpec): boolean {
	const { h, s, v } = rgbToHsv(r, g, b);
	return h >= spec.hueMin && h <= spec.hueMax && s >= spec.minSaturation && v >= spec.minValue;
}

/** Statistics over the pixels where `mask` is non-zero (sampling every `step`-th pixel keeps it fast). */
export function backgroundStats(
	image: RgbaImage,
	mask: Uint8Array,
	spec: BackgroundSpec,
	step = 2
): BackgroundStats {
	const d = image.data;
	let n = 0;
	let r = 0;
	let g = 0;
	let b = 0;
	let inside = 0;
	const labs: Lab[] = [];
	for (let i = 0; i < mask.length; i += step) {
		if (!mask[i]) continue;
		const o = i * 4;
		r += d[o];
		g += d[o + 1];
		b += d[o + 2];
		labs.push(rgbToLab(d[o], d[o + 1], d[o + 2]));
		if (isBackgroundColour(d[o], d[o + 1], d[o + 2], spec)) inside++;
		n++;
	}
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
	const meanRgb: [number, number, number] = [r / n, g / n, b / n];
	const meanLab = {
		l: labs.reduce((s, p) => s + p.l, 0) / n,
		a: labs.reduce((s, p) => s + p.a, 0) / n,
		b: labs.reduce((s, p) => s + p.b, 0) / n
	};
	const spreadDeltaE = labs.reduce((s, p) => s + deltaE(p, meanLab), 0) / n;
	return {
		count: n,
		meanRgb,
		meanLab,
		spreadDeltaE,
		insideShare: inside / n,
		meanHsv: rgbToHsv(meanRgb[0], meanRgb[1], meanRgb[2])
	};
}
