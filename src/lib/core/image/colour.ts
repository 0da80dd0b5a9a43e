// Colour conversions for background checks: HSV to say "is it blue", CIELAB to say "how far apart".

export interface Hsv {
	/** Degrees 0..360. */
	h: number;
	/** 0..1 */
	s: number;
	/** 0..1 */
	v: number;
}

export function rgbToHsv(r: number, g: number, b: number): Hsv {
	const max = Math.max(r, g, b);
	const min = Math.min(r, g, b);
	const d = max - min;
	let h = 0;
	if (d > 0) {
		if (max === r) h = 60 * (((g - b) / d + 6) % 6);
		else if (max === g) h = 60 * ((b - r) / d + 2);
		else h = 60 * ((r - g) / d + 4);
	}
	return { h, s: max === 0 ? 0 : d / max, v: max / 255 };
}

export interface Lab {
	l: number;
	a: number;
	b: number;
}

function linearOf(c: number): number {
	const v = c / 255;
	return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/**
 * sRGB to linear for the 256 byte values, computed once by the same formula: a pixel's channels are bytes, and a
 * table lookup gives the very same numbers as the power (which was half the cost of the background statistics).
 */
const LINEAR = Float64Array.from({ length: 256 }, (_, c) => linearOf(c));

/** Linear light of an sRGB channel value (0..255); byte values come from the table, others are computed. */
export function linear(c: number): number {
	return (c & 255) === c ? LINEAR[c] : linearOf(c);
}

function labF(t: number): number {
	return t > 216 / 24389 ? Math.cbrt(t) : (t * 24389) / 27 / 116 + 16 / 116;
}

/**
 * sRGB (D65) to CIELAB, written to `out` at `at`, `at + 1`, `at + 2` (L, a, b): statistics over many pixels keep
 * them in one typed array instead of an object per pixel.
 */
export function rgbToLabInto(r: number, g: number, b: number, out: Float64Array, at: number): void {
	const R = linear(r);
	const G = linear(g);
	const B = linear(b);
	const x = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
	const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
	const z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
	const fx = labF(x);
	const fy = labF(y);
	const fz = labF(z);
	out[at] = 116 * fy - 16;
	out[at + 1] = 500 * (fx - fy);
	out[at + 2] = 200 * (fy - fz);
}

const scratch = new Float64Array(3);

/** sRGB (D65) to CIELAB. */
export function rgbToLab(r: number, g: number, b: number): Lab {
	rgbToLabInto(r, g, b, scratch, 0);
	return { l: scratch[0], a: scratch[1], b: scratch[2] };
}

/** CIE76 colour difference: about 2.3 is a just-noticeable difference. */
export function deltaE(p: Lab, q: Lab): number {
	return Math.hypot(p.l - q.l, p.a - q.a, p.b - q.b);
}
