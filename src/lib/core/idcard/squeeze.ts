// How much each line is squeezed horizontally before recognition. PaddleOCR trains its recogniser on lines
// squeezed into 48x320, so narrower-than-proportional text is in its training distribution, and every column
// saved is recogniser work saved. How far a line can go depends on what it holds: Chinese characters are
// square and kept every field right at 0.5 of their width, while digits and dots (the number, dates) are the
// narrowest glyphs and broke first (the emblem's validity dates at 0.5). The portrait side's layout says which
// rows hold which kind of text, so once the side is expected each row gets its own squeeze.
import type { Box } from '../image/types.ts';
import type { CardSide } from './fields.ts';

/** Every line on a side not known in advance, and rows holding digits (number, birth date, validity). */
export const REC_WIDTH_SCALE = 0.7;
/** The portrait side's address rows: Chinese characters only (plus the odd house number). */
export const REC_WIDTH_SCALE_CHINESE = 0.5;

/**
 * The portrait side's address rows, as fractions of the card's height (box centres): the 住址 row at 0.483
 * and up to two continuation rows at ~0.58 and ~0.68; the birth row above sits at 0.383 and the number row
 * below at 0.835, so the band's edges are halfway to them.
 */
const ADDRESS_BAND = { y0: 0.433, y1: 0.76 };

/** The squeeze for a line at `box` on a rectified card `cardW` x `cardH` of the expected side. */
export function lineSqueeze(box: Box, cardH: number, expected: CardSide | undefined): number {
	if (expected !== 'portrait') return REC_WIDTH_SCALE;
	const cy = (box.y + box.height / 2) / cardH;
	return cy >= ADDRESS_BAND.y0 && cy < ADDRESS_BAND.y1 ? REC_WIDTH_SCALE_CHINESE : REC_WIDTH_SCALE;
}
