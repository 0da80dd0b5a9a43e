// Where each side's fields lie on a rectified card, as fractions of its width and height (from the card's
// published layout; generated cards put them at the same places). When the caller says which side it expects
// (the phone asks for one side at a time), the detector sees only that area, at the same pixel scale as a
// whole-card run: the portrait side's labels, values and number sit left of and below the photo's right edge,
// the emblem side's 签发机关 and 有效期限 lines in its lower band. Margins of ~30-60 card pixels absorb
// rectification error; a card that turns out to be the other side is detected again whole.
import type { Box } from '../image/types.ts';
import type { CardSide } from './fields.ts';

interface Area {
	x0: number;
	y0: number;
	x1: number;
	y1: number;
}

/** Measured on rectified generated cards (856x540): text rows 75-470 px high, the number ending at ~710 px. */
export const FIELD_AREAS: Record<CardSide, Area> = {
	// 0..770 x 46..503 px: the portrait photo's right quarter and the card's right edge are left out.
	portrait: { x0: 0, y0: 0.085, x1: 0.9, y1: 0.93 },
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
