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

function linear(c: number): number {
	const v = c / 255;
	return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function labF(t: number): number {
	return t > 216 / 24389 ? Math.cbrt(t) : (t * 24389) / 27 / 116 + 16 / 116;
}

/** sRGB (D65) to CIELAB. */
export function rgbToLab(r: number, g: number, b: number): Lab {
	const R = linear(r);
	const G = linear(g);
	const B = linear(b);
	const x = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
	const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
	const z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
	const fx = labF(x);
	const fy = labF(y);
	const fz = labF(z);
	return { l: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz) };
}

/** CIE76 colour difference: about 2.3 is a just-noticeable difference. */
export function deltaE(p: Lab, q: Lab): number {
	return Math.hypot(p.l - q.l, p.a - q.a, p.b - q.b);
}
