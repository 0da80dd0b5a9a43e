// Recaptures of a card for the recapture-warning benchmark and tests: the card shown on a screen and
// photographed (sub-pixel grid, moiré where the grid beats with the camera's pixels, refresh banding, a bluish
// emissive white, a black bezel around it), a grey photocopy (no colour, hard contrast, toner speckle) and a
// colour print (CMY halftone dots, paler inks). Each transforms the rendered RGBA card in card pixels, except the
// screen, whose grid is sampled per camera pixel when the card is composited (so moiré arises as it does).
import type { Rng } from './identities.ts';

export type RecaptureKind = 'screen' | 'photocopy' | 'print';

export interface Recapture {
	kind: RecaptureKind;
	/** Screen: pixel pitch in card pixels (a phone at ~460 ppi showing the card ~60 mm wide: ~0.8; a laptop: ~2). */
	pitch?: number;
	/** Print: halftone cell in card pixels (coarse laser/inkjet prints: 2.5-4). */
	cell?: number;
}

export function randomRecapture(kind: RecaptureKind, r: Rng): Recapture {
	if (kind === 'screen') return { kind, pitch: 1.2 + r() * 1.6 };
	if (kind === 'print') return { kind, cell: 2.5 + r() * 1.5 };
	return { kind };
}

/** A grey photocopy: luma only, contrast pushed (paper to white, print to black), toner speckle, a grey cast. */
export function photocopy(card: Buffer, w: number, h: number, r: Rng): void {
	const tint = 0.96 + r() * 0.04;
	for (let i = 0; i < w * h; i++) {
		const o = i * 4;
		const y = 0.299 * card[o] + 0.587 * card[o + 1] + 0.114 * card[o + 2];
		let v = (y - 60) * 1.45;
		if (r() < 0.004) v -= 120 * r();
		v = Math.max(0, Math.min(255, v)) * tint;
		card[o] = card[o + 1] = card[o + 2] = v;
	}
}

/** A colour print: cyan, magenta and yellow halftone dots on screens at 15°, 75° and 0°, inks a little pale. */
export function halftonePrint(card: Buffer, w: number, h: number, cell: number, r: Rng): void {
	const angles = [15, 75, 0].map((a) => (a * Math.PI) / 180);
	const phase = angles.map(() => [r() * cell, r() * cell]);
	const out = Buffer.from(card);
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const o = (y * w + x) * 4;
			for (let c = 0; c < 3; c++) {
				// Ink coverage of the subtractive primary opposite channel c (C for R, M for G, Y for B).
				const coverage = 1 - card[o + c] / 255;
				const a = angles[c];
				const u = x * Math.cos(a) + y * Math.sin(a) + phase[c][0];
				const v = -x * Math.sin(a) + y * Math.cos(a) + phase[c][1];
				const du = (u / cell - Math.floor(u / cell) - 0.5) * 2;
				const dv = (v / cell - Math.floor(v / cell) - 0.5) * 2;
				// A round dot whose area is the coverage: radius sqrt(coverage * 4 / pi) of the half-cell.
				const inside = du * du + dv * dv < (coverage * 4) / Math.PI;
				out[o + c] = inside ? 40 + 40 * r() : 250;
			}
		}
	}
	out.copy(card);
}

/**
 * The screen's light at card point (u, v) in card pixels, given the card's colour there: red, green and blue
 * sub-pixel stripes with dark gaps between pixel rows, a bluish white and raised blacks (a backlight), and a faint
 * refresh band rolling down the picture.
 */
export function screenLight(
	u: number,
	v: number,
	rgb: [number, number, number],
	pitch: number,
	band: { period: number; phase: number }
): [number, number, number] {
	const s = u / pitch;
	const sub = Math.floor((s - Math.floor(s)) * 3);
	const row = v / pitch - Math.floor(v / pitch);
	const gap = row > 0.8 ? 0.45 : 1;
	const banding = 1 - 0.07 * (0.5 + 0.5 * Math.sin((2 * Math.PI * v) / band.period + band.phase));
	const white = [0.93, 1, 1.1];
	return rgb.map((x, c) => {
		const lit = (c === sub ? 2.6 : 0.2) * gap * banding * white[c];
		return Math.min(255, 14 + x * lit);
	}) as [number, number, number];
}
