// Where each side's fields lie on a rectified card, as fractions of its width and height (from the card's
// published layout; generated cards put them at the same places). When the caller says which side it expects
// (the phone asks for one side at a time), the detector sees only that area, at the same pixel scale as a
// whole-card run: the portrait side's labels, values and number sit left of and below the photo's right edge,
// the emblem side's 签发机关 and 有效期限 lines in its lower band. Margins of ~30-60 card pixels absorb
// rectification error; a card that turns out to be the other side is detected again whole.
import type { Box } from '../image/types.ts';
import type { CardFields, CardSide } from './fields.ts';

interface Area {
	x0: number;
	y0: number;
	x1: number;
	y1: number;
}

/**
 * Measured on rectified generated cards (856x540): text rows 75-470 px high; the number ends anywhere from ~710
 * to ~810 px depending on its print pitch, so the portrait side's area runs to the card's right edge: a number cut
 * by the area's edge loses its check character (an X, or a 0 read as 6).
 */
export const FIELD_AREAS: Record<CardSide, Area> = {
	// 0..856 x 46..503 px.
	portrait: { x0: 0, y0: 0.085, x1: 1, y1: 0.93 },
	// 0..856 x 329..537 px: the two issuing lines sit at ~396-487 px.
	emblem: { x0: 0, y0: 0.61, x1: 1, y1: 1 }
};

/**
 * The region of a card to detect text in for `side`, and the detector input size that keeps the pixel scale of
 * a whole-card run at `fullW` x `fullH` (dims are multiples of 32, so the region is sized from them).
 */
export function fieldArea(
	side: CardSide,
	cardW: number,
	cardH: number,
	fullW: number,
	fullH: number
): { region: Box; width: number; height: number } {
	const a = FIELD_AREAS[side];
	const width = Math.max(32, Math.round(((a.x1 - a.x0) * fullW) / 32) * 32);
	const height = Math.max(32, Math.round(((a.y1 - a.y0) * fullH) / 32) * 32);
	return {
		region: {
			x: a.x0 * cardW,
			y: a.y0 * cardH,
			width: (width * cardW) / fullW,
			height: (height * cardH) / fullH
		},
		width,
		height
	};
}

/** A stretch of a rectified card that always carries print, and the field it belongs to (none for labels). */
export interface PrintArea extends Area {
	field?: keyof CardFields;
}

/** Splits a printed line into stretches of at most ~100 card pixels, so a patch over part of it shows. */
function stretches(x0: number, x1: number, y0: number, y1: number, field?: keyof CardFields): PrintArea[] {
	const n = Math.max(1, Math.round((x1 - x0) / 100));
	return Array.from({ length: n }, (_, i) => ({
		x0: (x0 + ((x1 - x0) * i) / n) / 856,
		x1: (x0 + ((x1 - x0) * (i + 1)) / n) / 856,
		y0: y0 / 540,
		y1: y1 / 540,
		...(field ? { field } : {})
	}));
}

/**
 * Where every card of a side carries black print whatever its holder (the first characters of each value, the
 * whole number, the emblem side's titles and labels), in rectified-card pixels of 856x540 converted to fractions:
 * a saturated patch with no print under it there hides text (a lamp's reflection), while an evenly bright card
 * still shows its print. The portrait side's blue labels are left out: overexposure washes them out on a card
 * that reads perfectly.
 */
export const PRINT_AREAS: Record<CardSide, PrintArea[]> = {
	portrait: [
		...stretches(170, 250, 79, 108, 'name'),
		...stretches(170, 198, 134, 163, 'sex'),
		...stretches(170, 235, 192, 218, 'birthDate'),
		...stretches(170, 450, 244, 273, 'address'),
		...stretches(290, 700, 436, 466, 'idNumber')
	],
	emblem: [
		...stretches(262, 650, 88, 135),
		...stretches(280, 740, 170, 240),
		...stretches(150, 260, 400, 424),
		...stretches(290, 430, 396, 424, 'authority'),
		...stretches(150, 260, 460, 484),
		...stretches(290, 500, 456, 484, 'validFrom')
	]
};
