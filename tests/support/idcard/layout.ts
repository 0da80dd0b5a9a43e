// The second-generation card's layout in pixels of an 856x540 rendering (85.6 x 54 mm at 10 px/mm), measured
// from the published card design: labels in blue 黑体 on the left, values in black, portrait on the right,
// the number along the bottom; the emblem side carries the title block and the two issuing fields.
export const CARD_W = 856;
export const CARD_H = 540;
export const PORTRAIT_BOX = { x: 545, y: 70, width: 240, height: 300 };
export const ADDRESS_CHARS_PER_LINE = 11;
/** The authority's value runs from x = 290 at 28 px a character: 18 fit before the card's right edge. */
export const AUTHORITY_CHARS_PER_LINE = 18;

export const LABEL_COLOR = '#2b74b8';
export const SANS = 'Noto Sans CJK SC';
export const DIGITS = 'DejaVu Sans Mono';

/** Splits an address into the card's lines of at most 11 characters (3 lines at most on a real card). */
export function addressLines(address: string): string[] {
	const chars = Array.from(address);
	const lines: string[] = [];
	for (let i = 0; i < chars.length; i += ADDRESS_CHARS_PER_LINE)
		lines.push(chars.slice(i, i + ADDRESS_CHARS_PER_LINE).join(''));
	return lines.slice(0, 3);
}

/** Splits an issuing authority into the card's lines: a long one (红河哈尼族彝族自治州公安局…分局) takes two. */
export function authorityLines(authority: string): string[] {
	const chars = Array.from(authority);
	if (chars.length <= AUTHORITY_CHARS_PER_LINE) return [authority];
	return [chars.slice(0, AUTHORITY_CHARS_PER_LINE).join(''), chars.slice(AUTHORITY_CHARS_PER_LINE).join('')];
}
