// Text normalisation and distances used to compare what OCR read with what a person typed.

/** Full-width ASCII -> half-width, ideographic space -> space. */
export function toHalfWidth(text: string): string {
	return text
		.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
		.replace(/\u3000/g, ' ');
}

/** Names: half-width, no spaces, every middle-dot variant as '·' (e.g. 买买提·艾力), Latin upper-cased. */
export function normalizeName(text: string): string {
	return toHalfWidth(text)
		.replace(/\s+/g, '')
		.replace(/[.•・‧∙⋅•]/g, '·')
		.toUpperCase();
}

/** Addresses: half-width, no spaces or punctuation that typists add or drop freely. */
export function normalizeAddress(text: string): string {
	return toHalfWidth(text)
		.replace(/[\s,，、。.·()（）]/g, '')
		.toUpperCase();
}

/** Levenshtein distance over code points (CJK characters are single code points in the BMP or astral). */
export function editDistance(a: string, b: string): number {
	const x = Array.from(a);
	const y = Array.from(b);
	let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
	for (let i = 1; i <= x.length; i++) {
		const cur = [i];
		for (let j = 1; j <= y.length; j++) {
			cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
		}
		prev = cur;
	}
	return prev[y.length];
}

/**
 * The fewest edits between `head` and a prefix of `text` whose length is within `slack` of the head's, with that
 * prefix's length (the one nearest the head's length among equally close ones). Cutting `text` at the head's length
 * instead would count every character after one dropped or added glyph as different.
 */
export function prefixDistance(
	head: string,
	text: string,
	slack: number
): { distance: number; read: number } {
	const chars = Array.from(text);
	const n = Array.from(head).length;
	let best = { distance: Infinity, read: n };
	for (let k = Math.max(n === 0 ? 0 : 1, n - slack); k <= Math.min(chars.length, n + slack); k++) {
		const d = editDistance(head, chars.slice(0, k).join(''));
		if (d < best.distance || (d === best.distance && Math.abs(k - n) < Math.abs(best.read - n)))
			best = { distance: d, read: k };
	}
	return best;
}

/** 1 - distance / longer length: 1 for equal strings, 0 for nothing in common. */
export function similarity(a: string, b: string): number {
	const n = Math.max(Array.from(a).length, Array.from(b).length);
	return n === 0 ? 1 : 1 - editDistance(a, b) / n;
}

/** Character accuracy of a reading against the truth (benchmarks): 1 - distance / truth length, floored at 0. */
export function characterAccuracy(truth: string, read: string): number {
	const n = Array.from(truth).length;
	if (n === 0) return read.length === 0 ? 1 : 0;
	return Math.max(0, 1 - editDistance(truth, read) / n);
}
