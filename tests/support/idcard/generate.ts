// Synthetic second-generation ID cards for tests and benchmarks: both sides, random holders, an optional real
// face printed small and washed out in the portrait area, and the degradations a phone photo brings. Writes
// the image and its ground truth into a cache directory (never into the repository).
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { applyHomography, homographyFromPoints } from '../../../src/lib/core/idcard/geometry.ts';
import type { Point } from '../../../src/lib/core/image/types.ts';
import { randomIdentity, rng, type Identity, type Rng } from './identities.ts';
import { addressLines, CARD_H, CARD_W, PORTRAIT_BOX } from './layout.ts';
import { halftonePrint, photocopy, screenLight, type Recapture } from './recapture.ts';
import { emblemSvg, portraitSvg, type PrintOptions } from './svg.ts';

export type { Identity } from './identities.ts';
export { CARD_H, CARD_W, PORTRAIT_BOX } from './layout.ts';

export interface Degradation {
	/** Put the card on a table photo: card width / frame width (e.g. 0.7). Needed for rotation/perspective. */
	fill?: number;
	/** In-plane rotation in degrees. */
	rotate?: number;
	/** Corner jitter as a fraction of the card size (0.04 = mild tilt). */
	perspective?: number;
	/** Gaussian blur sigma in pixels of the output. */
	blur?: number;
	/** 0..1: strength of a light fall-off across the frame. */
	unevenLight?: number;
	/** Overall brightness factor (0.3 = a dark room). */
	brightness?: number;
	/** JPEG quality of the output (PNG when absent). */
	jpegQuality?: number;
	/** Shift the card so this fraction of its width falls outside the frame. */
	cutOff?: number;
	/** 0..1: a blown-out specular patch (lamp reflection) over this share of the card's width. */
	glare?: number;
	/** Where the reflection's centre lies on the card, as fractions of its width and height (default: centre). */
	glareAt?: { x: number; y: number };
	/** The camera frame (default 1280x960 when the card is placed on a desk). */
	frame?: { width: number; height: number };
	/** What the card lies on: warm wood (default), a dark desk, a pale one, or a white one (laminate, paper). */
	desk?: 'wood' | 'dark' | 'pale' | 'white';
	/**
	 * A busy surface instead of the desk: a high-contrast checked or striped tablecloth, or a keyboard's grid of
	 * keys. `period` is the pattern's repeat as a share of the frame's width, `angle` its turn in degrees.
	 */
	surface?: {
		kind: 'checks' | 'stripes' | 'keyboard';
		period: number;
		angle: number;
		colours: [[number, number, number], [number, number, number]];
	};
	/**
	 * The hand holding the card: a thumb over one edge or corner (its tip `depth` card pixels inside the card at
	 * `tip`, in card pixels, pointing outward along `angle` degrees in card coordinates) and, optionally, fingertips
	 * behind the card peeking out past the opposite edge. `width` is the thumb's width in card pixels (10 px/mm).
	 */
	hand?: Hand;
	/** Directional (motion) blur: a hand moving during the exposure, `length` output pixels along `angle` degrees. */
	motionBlur?: { length: number; angle: number };
	/**
	 * Exposure metered on the whole frame like a phone's auto-exposure (mean luma brought to ~118, gain 0.6-2.8,
	 * clipped at 255): over a dark desk the card comes out evenly bright, part of its paper blown.
	 */
	autoExposure?: boolean;
	/** Per-channel gains of the light's colour (warm tungsten ~[1.12, 1, 0.78], cool LED ~[0.88, 1, 1.15]). */
	whiteBalance?: [number, number, number];
	/** Sensor noise: standard deviation in luma levels (dim light gives 3-8). */
	noise?: number;
	/** 0..1: the soft shadow of the phone or a hand falling across part of the card. */
	shadow?: number;
	/** Not the card itself: the card on a screen, a grey photocopy or a colour print, photographed. */
	recapture?: Recapture;
}

export interface Hand {
	/** The thumb's tip (its innermost point) on the card, card pixels. */
	tip: { x: number; y: number };
	/** Direction from the tip towards the hand, degrees in card coordinates (0 = +x, 90 = +y). */
	angle: number;
	/** Thumb width, card pixels (a thumb is 18-23 mm: 180-230). */
	width: number;
	/** Skin colour (linear 0-255 RGB before the light). */
	tone: [number, number, number];
	/** Fingertips behind the card: where each peeks out (card pixels, on the card's outline), outward angle, width. */
	fingers?: { at: { x: number; y: number }; angle: number; width: number; peek: number }[];
}

export interface GenerateOptions {
	/** Deterministic: the same seed gives the same holder on both sides. */
	seed: number;
	side: 'portrait' | 'emblem';
	/** Override some of the holder's fields. */
	identity?: Partial<Identity>;
	/** Path of a face photo to print in the portrait area (portrait side only). */
	face?: string;
	degrade?: Degradation | 'clean' | 'random';
	/** Print details to fix instead of drawing them (the number's pitch). */
	print?: PrintOptions;
	/** Directory to write `<name>.jpg|png` and `<name>.json` into; defaults to <tmp>/zv-idcards. */
	outDir?: string;
	/** Skip writing files (the image bytes are returned either way). */
	write?: boolean;
}

export interface GeneratedCard {
	side: 'portrait' | 'emblem';
	identity: Identity;
	/** Encoded image (JPEG or PNG). */
	bytes: Buffer;
	path: string | null;
	width: number;
	height: number;
	/** Where the card's corners are in the image: TL, TR, BR, BL. */
	corners: Point[];
	/** The portrait area in the image when the card was not warped (clean), else in card coordinates. */
	portraitBox: { x: number; y: number; width: number; height: number };
	degradation: Degradation;
}

export const defaultOutDir = join(tmpdir(), 'zv-idcards');

/** A random but realistic phone-photo degradation. */
export function randomDegradation(r: Rng): Degradation {
	return {
		fill: 0.6 + r() * 0.2,
		rotate: (r() - 0.5) * 16,
		perspective: r() * 0.05,
		blur: r() < 0.5 ? 0.4 + r() * 1.0 : 0,
		unevenLight: r() * 0.45,
		brightness: 0.85 + r() * 0.25,
		jpegQuality: r() < 0.5 ? 50 : 75
	};
}

async function renderFace(path: string): Promise<Buffer> {
	const { width, height } = PORTRAIT_BOX;
	// Card portraits are small, low-contrast and nearly grey; emulate that so face matching is not flattered.
	return sharp(path)
		.rotate()
		.resize(width, height, { fit: 'cover', position: 'attention' })
		.modulate({ saturation: 0.15, brightness: 1.08 })
		.linear(0.78, 45)
		.blur(0.6)
		.png()
		.toBuffer();
}

async function renderCard(
	side: 'portrait' | 'emblem',
	identity: Identity,
	r: Rng,
	face?: string,
	print?: PrintOptions
): Promise<Buffer> {
	const svg = side === 'portrait' ? portraitSvg(identity, r, print) : emblemSvg(identity, r);
	const base = sharp(Buffer.from(svg), { density: 72 });
	const layers: OverlayOptions[] = [];
	if (side === 'portrait' && face) {
		layers.push({
			input: await renderFace(face),
			left: PORTRAIT_BOX.x,
			top: PORTRAIT_BOX.y,
			blend: 'multiply'
		});
	}
	return base.composite(layers).ensureAlpha().raw().toBuffer();
}

/**
 * Desk texture: wood-like grain by default, or a dark or pale desk, so the card's edge has to be found. Drawn at a
 * quarter of the frame's size and enlarged (a desk out of the focal plane has no finer detail; 12 MP frames stay
 * quick to make).
 */
async function table(
	width: number,
	height: number,
	r: Rng,
	desk: Degradation['desk'] = 'wood'
): Promise<Buffer> {
	const w = Math.ceil(width / 4);
	const h = Math.ceil(height / 4);
	const out = Buffer.alloc(w * h * 3);
	const base =
		desk === 'dark'
			? [22 + r() * 18, 20 + r() * 16, 20 + r() * 16]
			: desk === 'pale'
				? [150 + r() * 40, 145 + r() * 40, 135 + r() * 40]
				: desk === 'white'
					? ((w0) => [w0 + r() * 8, w0 + r() * 8, w0 - 4 + r() * 8])(205 + r() * 35)
					: [120 + r() * 60, 85 + r() * 40, 50 + r() * 30];
	const amp = desk === 'dark' ? 4 : desk === 'white' ? 3 : 14;
	const phase = r() * 10;
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const grain = amp * Math.sin((4 * y) / 7 + Math.sin((4 * x) / 90 + phase) * 3) + (r() - 0.5) * 10;
			const o = (y * w + x) * 3;
			for (let c = 0; c < 3; c++) out[o + c] = Math.max(0, Math.min(255, base[c] + grain));
		}
	}
	return sharp(out, { raw: { width: w, height: h, channels: 3 } })
		.resize(width, height, { kernel: 'linear' })
		.raw()
		.toBuffer();
}

function placeCorners(d: Degradation, frameW: number, frameH: number, r: Rng): Point[] {
	const a = ((d.rotate ?? 0) * Math.PI) / 180;
	// The card as framed, shrunk when rotated it would not fit inside the frame (the candidate keeps it whole).
	const bboxW = (w: number) => w * Math.abs(Math.cos(a)) + ((w * CARD_H) / CARD_W) * Math.abs(Math.sin(a));
	const bboxH = (w: number) => w * Math.abs(Math.sin(a)) + ((w * CARD_H) / CARD_W) * Math.abs(Math.cos(a));
	let w = frameW * (d.fill ?? 0.7);
	if (!d.cutOff) w *= Math.min(1, (0.96 * frameW) / bboxW(w), (0.96 * frameH) / bboxH(w));
	const h = (w * CARD_H) / CARD_W;
	const cx =
		frameW / 2 +
		(d.cutOff ? frameW * d.cutOff + w * d.cutOff : (r() - 0.5) * Math.max(0, frameW - bboxW(w)) * 0.8);
	const cy = frameH / 2 + (r() - 0.5) * Math.max(0, frameH - bboxH(w)) * 0.8;
	const jitter = d.perspective ?? 0;
	const offsets = [
		[-w / 2, -h / 2],
		[w / 2, -h / 2],
		[w / 2, h / 2],
		[-w / 2, h / 2]
	].map(([x, y]) => {
		const jx = x + (r() - 0.5) * 2 * jitter * w;
		const jy = y + (r() - 0.5) * 2 * jitter * h;
		return { x: jx * Math.cos(a) - jy * Math.sin(a), y: jx * Math.sin(a) + jy * Math.cos(a) };
	});
	// Perspective may push a corner past the frame: pull the card in so it stays whole (unless cut off on purpose).
	let k = 1;
	if (!d.cutOff)
		for (const o of offsets) {
			const room = (v: number, c: number, size: number) =>
				v > 0 ? (0.98 * size - c) / v : v < 0 ? (0.02 * size - c) / v : Infinity;
			k = Math.min(k, room(o.x, cx, frameW), room(o.y, cy, frameH));
		}
	return offsets.map((o) => ({ x: cx + k * o.x, y: cy + k * o.y }));
}

const CARD_CORNERS: Point[] = [
	{ x: 0, y: 0 },
	{ x: CARD_W, y: 0 },
	{ x: CARD_W, y: CARD_H },
	{ x: 0, y: CARD_H }
];

/** The card's soft drop shadow on the desk, offset down and right by a few card pixels. */
function dropShadow(frame: Buffer, frameW: number, frameH: number, corners: Point[]): void {
	const inv = homographyFromPoints(corners, CARD_CORNERS);
	const scale = Math.hypot(corners[1].x - corners[0].x, corners[1].y - corners[0].y) / CARD_W;
	const off = 6 * scale;
	const margin = 40 * scale;
	const xs = corners.map((p) => p.x);
	const ys = corners.map((p) => p.y);
	const x0 = Math.max(0, Math.floor(Math.min(...xs) - margin));
	const x1 = Math.min(frameW - 1, Math.ceil(Math.max(...xs) + margin));
	const y0 = Math.max(0, Math.floor(Math.min(...ys) - margin));
	const y1 = Math.min(frameH - 1, Math.ceil(Math.max(...ys) + margin));
	for (let y = y0; y <= y1; y++) {
		for (let x = x0; x <= x1; x++) {
			const s = applyHomography(inv, { x: x - off, y: y - off });
			const out = Math.max(0, -s.x, s.x - CARD_W, -s.y, s.y - CARD_H);
			const shade = 0.45 * Math.exp(-out / 10);
			const o = (y * frameW + x) * 3;
			for (let c = 0; c < 3; c++) frame[o + c] *= 1 - shade;
		}
	}
}

/** A dark screen and bezel around the card: its quad grown by `grow` about its centre, filled near-black. */
function bezel(frame: Buffer, frameW: number, frameH: number, corners: Point[], grow: number): void {
	const c = corners.reduce((a, p) => ({ x: a.x + p.x / 4, y: a.y + p.y / 4 }), { x: 0, y: 0 });
	const quad = corners.map((p) => ({ x: c.x + (p.x - c.x) * grow, y: c.y + (p.y - c.y) * grow }));
	const inv = homographyFromPoints(quad, CARD_CORNERS);
	const xs = quad.map((p) => p.x);
	const ys = quad.map((p) => p.y);
	for (let y = Math.max(0, Math.floor(Math.min(...ys))); y <= Math.min(frameH - 1, Math.max(...ys)); y++) {
		for (let x = Math.max(0, Math.floor(Math.min(...xs))); x <= Math.min(frameW - 1, Math.max(...xs)); x++) {
			const s = applyHomography(inv, { x, y });
			if (s.x < 0 || s.y < 0 || s.x > CARD_W || s.y > CARD_H) continue;
			const o = (y * frameW + x) * 3;
			frame[o] = 16;
			frame[o + 1] = 17;
			frame[o + 2] = 20;
		}
	}
}

/** Composites the RGBA card onto the table through the homography card -> frame (inverse-mapped, bilinear). */
function composite(
	card: Buffer,
	frame: Buffer,
	frameW: number,
	frameH: number,
	corners: Point[],
	light?: (u: number, v: number, rgb: [number, number, number]) => [number, number, number]
): void {
	const inv = homographyFromPoints(corners, CARD_CORNERS);
	const xs = corners.map((p) => p.x);
	const ys = corners.map((p) => p.y);
	const x0 = Math.max(0, Math.floor(Math.min(...xs)));
	const x1 = Math.min(frameW - 1, Math.ceil(Math.max(...xs)));
	const y0 = Math.max(0, Math.floor(Math.min(...ys)));
	const y1 = Math.min(frameH - 1, Math.ceil(Math.max(...ys)));
	for (let y = y0; y <= y1; y++) {
		for (let x = x0; x <= x1; x++) {
			const s = applyHomography(inv, { x: x + 0.5, y: y + 0.5 });
			const u = s.x - 0.5;
			const v = s.y - 0.5;
			if (u < 0 || v < 0 || u >= CARD_W - 1 || v >= CARD_H - 1) continue;
			const ui = Math.floor(u);
			const vi = Math.floor(v);
			const fu = u - ui;
			const fv = v - vi;
			const px = (c: number) => {
				const i = (vi * CARD_W + ui) * 4 + c;
				const j = i + CARD_W * 4;
				return (
					(card[i] * (1 - fu) + card[i + 4] * fu) * (1 - fv) + (card[j] * (1 - fu) + card[j + 4] * fu) * fv
				);
			};
			const alpha = px(3) / 255;
			const o = (y * frameW + x) * 3;
			let rgb: [number, number, number] = [px(0), px(1), px(2)];
			if (light) rgb = light(u, v, rgb);
			for (let c = 0; c < 3; c++) frame[o + c] = frame[o + c] * (1 - alpha) + rgb[c] * alpha;
		}
	}
}

/**
 * A lamp's reflection: a saturated white ellipse (the lamp's image on the laminate) with a soft bloom, centred
 * at `at` (fractions of the card) or on the card's centre.
 */
function glare(
	frame: Buffer,
	w: number,
	h: number,
	corners: Point[],
	size: number,
	at = { x: 0.5, y: 0.5 }
): void {
	const { x: cx, y: cy } = applyHomography(homographyFromPoints(CARD_CORNERS, corners), {
		x: at.x * CARD_W,
		y: at.y * CARD_H
	});
	const rx = (Math.hypot(corners[1].x - corners[0].x, corners[1].y - corners[0].y) * size) / 2;
	const ry = rx * 0.6;
	const x0 = Math.max(0, Math.floor(cx - 1.3 * rx));
	const x1 = Math.min(w - 1, Math.ceil(cx + 1.3 * rx));
	const y0 = Math.max(0, Math.floor(cy - 1.3 * ry));
	const y1 = Math.min(h - 1, Math.ceil(cy + 1.3 * ry));
	for (let y = y0; y <= y1; y++) {
		for (let x = x0; x <= x1; x++) {
			const q = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
			if (q >= 1.6) continue;
			const a = q < 1 ? 1 : (1.6 - q) / 0.6;
			const o = (y * w + x) * 3;
			for (let c = 0; c < 3; c++) frame[o + c] = frame[o + c] * (1 - a) + 255 * a;
		}
	}
}

/**
 * A busy surface under the card: a tablecloth's checks (gingham: two crossing stripe sets, their crossing darker)
 * or stripes, or a keyboard (keys of one colour separated by gaps of the other, a small legend on each), drawn at
 * the frame's resolution with soft edges (the cloth is a little out of focus).
 */
function surface(width: number, height: number, s: NonNullable<Degradation['surface']>, r: Rng): Buffer {
	const out = Buffer.alloc(width * height * 3);
	const p = Math.max(6, s.period * width);
	const a = (s.angle * Math.PI) / 180;
	const [ca, sa] = [Math.cos(a), Math.sin(a)];
	const [c0, c1] = s.colours;
	const soft = Math.max(0.8, p * 0.03);
	const phase = [r() * p, r() * p];
	// Share of a period inside a stripe, with a soft edge: 1 inside, 0 outside.
	const band = (t: number, duty: number) => {
		const f = (((t % p) + p) % p) / p;
		const d = Math.min(Math.abs(f - duty / 2), Math.abs(f - 1 - duty / 2)) * p; // distance from stripe centre
		return Math.min(1, Math.max(0, (duty * p * 0.5 - d) / soft + 0.5));
	};
	const grain = r() * 10;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const u = x * ca + y * sa + phase[0];
			const v = -x * sa + y * ca + phase[1];
			let m: number; // 0 = colour 0, 1 = colour 1
			if (s.kind === 'stripes') m = band(u, 0.5);
			else if (s.kind === 'checks') m = Math.min(1, 0.55 * band(u, 0.5) + 0.55 * band(v, 0.5));
			else {
				// Keys: colour 0 with gaps of colour 1 (a gap is 18 % of a key's pitch); rows staggered.
				const row = Math.floor(v / p);
				const key = 1 - band(u + row * p * 0.27, 0.82) * band(v, 0.82);
				// A legend: a small mark of the gap colour near each key's top-left.
				const fu = ((((u + row * p * 0.27) % p) + p) % p) / p;
				const fv = (((v % p) + p) % p) / p;
				const legend = fu > 0.22 && fu < 0.36 && fv > 0.2 && fv < 0.34 ? 0.8 : 0;
				m = Math.max(key, legend);
			}
			const o = (y * width + x) * 3;
			const g = 3 * Math.sin(x / 37 + grain) * Math.sin(y / 53);
			for (let c = 0; c < 3; c++) out[o + c] = Math.max(0, Math.min(255, c0[c] * (1 - m) + c1[c] * m + g));
		}
	}
	return out;
}

/** Distance from p to the segment a-b, and where along it (0..1) the nearest point lies. */
function segment(p: Point, a: Point, b: Point): { dist: number; t: number; side: number } {
	const dx = b.x - a.x;
	const dy = b.y - a.y;
	const len2 = dx * dx + dy * dy;
	const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
	const cx = a.x + t * dx;
	const cy = a.y + t * dy;
	const side = ((p.x - a.x) * dy - (p.y - a.y) * dx) / Math.sqrt(len2);
	return { dist: Math.hypot(p.x - cx, p.y - cy), t, side };
}

/**
 * A finger or thumb seen from above: a capsule in card coordinates from its rounded tip `tip` (the innermost
 * point) running `length` card pixels along `angle`, `width` wide, widening a little towards the hand. Skin-toned
 * with a cylinder's soft shading across it, a soft edge, a nail near the tip, and (when `shadow`) a soft contact
 * shadow on what lies under it. Drawn through the card's homography, so it follows the card's pose.
 */
function finger(
	frame: Buffer,
	frameW: number,
	frameH: number,
	corners: Point[],
	f: { tip: Point; angle: number; width: number; length: number; tone: [number, number, number] },
	opts: { nail: boolean; shadow: boolean; clip?: (u: number, v: number) => boolean }
): void {
	const toFrame = homographyFromPoints(CARD_CORNERS, corners);
	const toCard = homographyFromPoints(corners, CARD_CORNERS);
	const a = (f.angle * Math.PI) / 180;
	const dir = { x: Math.cos(a), y: Math.sin(a) };
	const rad = f.width / 2;
	const start = { x: f.tip.x + dir.x * rad, y: f.tip.y + dir.y * rad };
	const end = { x: f.tip.x + dir.x * f.length, y: f.tip.y + dir.y * f.length };
	const scale = Math.hypot(corners[1].x - corners[0].x, corners[1].y - corners[0].y) / CARD_W;
	const grow = 0.25; // the thumb widens by a quarter towards the hand
	const reach = rad * (1 + grow) + 30;
	const pts = [start, end].flatMap((c) =>
		[0, 1, 2, 3].map((k) =>
			applyHomography(toFrame, { x: c.x + reach * (k & 1 ? 1 : -1), y: c.y + reach * (k & 2 ? 1 : -1) })
		)
	);
	const x0 = Math.max(0, Math.floor(Math.min(...pts.map((q) => q.x))));
	const x1 = Math.min(frameW - 1, Math.ceil(Math.max(...pts.map((q) => q.x))));
	const y0 = Math.max(0, Math.floor(Math.min(...pts.map((q) => q.y))));
	const y1 = Math.min(frameH - 1, Math.ceil(Math.max(...pts.map((q) => q.y))));
	const edge = 1.2 / scale; // soft edge, ~1.2 frame pixels, in card pixels
	const shadowReach = 14; // card pixels
	const nailAt = { x: f.tip.x + dir.x * rad * 0.95, y: f.tip.y + dir.y * rad * 0.95 };
	for (let y = y0; y <= y1; y++) {
		for (let x = x0; x <= x1; x++) {
			const q = applyHomography(toCard, { x: x + 0.5, y: y + 0.5 });
			if (opts.clip && !opts.clip(q.x, q.y)) continue;
			const s = segment(q, start, end);
			const r = rad * (1 + grow * s.t);
			const inside = r - s.dist; // > 0 inside the finger
			const o = (y * frameW + x) * 3;
			if (inside < -shadowReach) continue;
			if (opts.shadow && inside < edge) {
				// Contact shadow on the card or desk around the finger.
				const k = 1 - 0.3 * Math.exp(-Math.max(0, -inside) / (shadowReach / 3));
				for (let c = 0; c < 3; c++) frame[o + c] *= k;
			}
			if (inside <= -edge) continue;
			const alpha = Math.min(1, (inside + edge) / (2 * edge));
			// Across the finger: -1..1; a cylinder lit from above-left, darker at its sides.
			const across = Math.max(-1, Math.min(1, s.side / r));
			const shade = 0.62 + 0.3 * Math.sqrt(1 - across * across) + 0.08 * -across;
			let rgb = f.tone.map((v) => v * shade);
			if (opts.nail) {
				// The nail: a paler, pinker rounded patch on the thumb's back near its tip.
				const nu = (q.x - nailAt.x) * dir.x + (q.y - nailAt.y) * dir.y;
				const nv = -(q.x - nailAt.x) * dir.y + (q.y - nailAt.y) * dir.x;
				const n = (nu / (rad * 0.75)) ** 2 + (nv / (rad * 0.55)) ** 2;
				if (n < 1) {
					const m = Math.min(1, (1 - n) * 4);
					rgb = rgb.map((v, c) => v * (1 - 0.5 * m) + [238, 196, 190][c] * shade * 0.5 * m);
				}
			}
			for (let c = 0; c < 3; c++) frame[o + c] = frame[o + c] * (1 - alpha) + rgb[c] * alpha;
		}
	}
}

/** Fingertips behind the card, peeking out past its edge (drawn before the card, which then covers the rest). */
function fingersBehind(frame: Buffer, w: number, h: number, corners: Point[], hand: Hand): void {
	for (const f of hand.fingers ?? []) {
		// The finger runs from inside the card out to `peek` past the edge: its tip is where it ends, outward.
		const a = (f.angle * Math.PI) / 180;
		const tip = { x: f.at.x + Math.cos(a) * f.peek, y: f.at.y + Math.sin(a) * f.peek };
		finger(
			frame,
			w,
			h,
			corners,
			{
				tip,
				angle: f.angle + 180,
				width: f.width,
				length: 700,
				tone: hand.tone.map((v) => v * 0.93) as [number, number, number]
			},
			{ nail: false, shadow: false }
		);
	}
}

/** The thumb over the card's edge or corner, its hand running out of the frame. */
function thumb(frame: Buffer, w: number, h: number, corners: Point[], hand: Hand): void {
	finger(
		frame,
		w,
		h,
		corners,
		{ tip: hand.tip, angle: hand.angle, width: hand.width, length: 900, tone: hand.tone },
		{ nail: true, shadow: true }
	);
}

/** A straight-line (motion) blur kernel, `length` pixels along `angle`, anti-aliased, normalised. */
function motionKernel(length: number, angle: number): { width: number; height: number; kernel: number[] } {
	const a = (angle * Math.PI) / 180;
	const half = Math.ceil(length / 2) + 1;
	const size = 2 * half + 1;
	const kernel = new Array<number>(size * size).fill(0);
	const steps = Math.ceil(length * 8);
	for (let i = 0; i <= steps; i++) {
		const t = (i / steps - 0.5) * length;
		const x = half + t * Math.cos(a);
		const y = half + t * Math.sin(a);
		const xi = Math.floor(x);
		const yi = Math.floor(y);
		const fx = x - xi;
		const fy = y - yi;
		kernel[yi * size + xi] += (1 - fx) * (1 - fy);
		kernel[yi * size + xi + 1] += fx * (1 - fy);
		kernel[(yi + 1) * size + xi] += (1 - fx) * fy;
		kernel[(yi + 1) * size + xi + 1] += fx * fy;
	}
	const sum = kernel.reduce((x, y) => x + y, 0);
	return { width: size, height: size, kernel: kernel.map((k) => k / sum) };
}

/** Gaussian sample (Box-Muller). */
function gauss(r: Rng): number {
	return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/**
 * What the camera does to the light: white balance left uncorrected, a hand's shadow, auto-exposure metered on
 * the whole frame, sensor noise, then clipping to 8 bits.
 */
function camera(frame: Buffer, w: number, h: number, corners: Point[], d: Degradation, r: Rng): void {
	const n = w * h;
	const gains = [...(d.whiteBalance ?? [1, 1, 1])];
	if (d.shadow) {
		// A soft-edged half plane through a random point of the card.
		const angle = r() * 2 * Math.PI;
		const [nx, ny] = [Math.cos(angle), Math.sin(angle)];
		const p = corners[Math.floor(r() * 4)];
		const c = corners.reduce((a, q) => ({ x: a.x + q.x / 4, y: a.y + q.y / 4 }), { x: 0, y: 0 });
		const ox = c.x + (p.x - c.x) * 0.5;
		const oy = c.y + (p.y - c.y) * 0.5;
		const soft = 0.04 * Math.hypot(w, h);
		for (let y = 0; y < h; y++) {
			for (let x = 0; x < w; x++) {
				const t = ((x - ox) * nx + (y - oy) * ny) / soft;
				const f = 1 - d.shadow / (1 + Math.exp(-t));
				const o = (y * w + x) * 3;
				for (let k = 0; k < 3; k++) frame[o + k] *= f;
			}
		}
	}
	if (d.autoExposure) {
		let sum = 0;
		for (let i = 0; i < n; i += 7)
			sum +=
				0.299 * frame[i * 3] * gains[0] +
				0.587 * frame[i * 3 + 1] * gains[1] +
				0.114 * frame[i * 3 + 2] * gains[2];
		const gain = Math.min(2.8, Math.max(0.6, 118 / (sum / Math.ceil(n / 7))));
		for (let k = 0; k < 3; k++) gains[k] *= gain;
	}
	const noise = d.noise ?? 0;
	if (gains.every((g) => g === 1) && noise === 0) return;
	for (let i = 0; i < n; i++) {
		const grain = noise ? noise * gauss(r) : 0;
		for (let k = 0; k < 3; k++) {
			const o = i * 3 + k;
			frame[o] = Math.max(0, Math.min(255, frame[o] * gains[k] + grain));
		}
	}
}

function light(frame: Buffer, w: number, h: number, d: Degradation, r: Rng): void {
	const uneven = d.unevenLight ?? 0;
	const bright = d.brightness ?? 1;
	if (uneven === 0 && bright === 1) return;
	const angle = r() * 2 * Math.PI;
	const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const t = ((x / w - 0.5) * dx + (y / h - 0.5) * dy) * 2; // -1..1 across the frame
			const f = bright * (1 - uneven * (0.5 + 0.5 * t));
			const o = (y * w + x) * 3;
			for (let c = 0; c < 3; c++) frame[o + c] = Math.min(255, frame[o + c] * f);
		}
	}
}

let counter = 0;

export async function generateCard(opts: GenerateOptions): Promise<GeneratedCard> {
	const r = rng(opts.seed * 7919 + (opts.side === 'portrait' ? 1 : 2));
	const drawn = { ...randomIdentity(rng(opts.seed)), ...opts.identity };
	// The card prints three address lines at most: the truth is what is printed.
	const identity = { ...drawn, address: addressLines(drawn.address).join('') };
	const degradation: Degradation =
		opts.degrade === 'random'
			? randomDegradation(r)
			: opts.degrade === 'clean' || !opts.degrade
				? {}
				: opts.degrade;
	const card = await renderCard(opts.side, identity, r, opts.face, opts.print);
	if (degradation.recapture?.kind === 'photocopy') photocopy(card, CARD_W, CARD_H, r);
	if (degradation.recapture?.kind === 'print')
		halftonePrint(card, CARD_W, CARD_H, degradation.recapture.cell ?? 3, r);
	let raw: Buffer;
	let width = CARD_W;
	let height = CARD_H;
	let corners: Point[] = CARD_CORNERS.map((p) => ({ ...p }));
	if (degradation.fill || degradation.rotate || degradation.perspective || degradation.cutOff) {
		width = degradation.frame?.width ?? 1280;
		height = degradation.frame?.height ?? 960;
		raw = degradation.surface
			? surface(width, height, degradation.surface, r)
			: await table(width, height, r, degradation.desk);
		corners = placeCorners(degradation, width, height, r);
		if (degradation.hand) fingersBehind(raw, width, height, corners, degradation.hand);
		const screen = degradation.recapture?.kind === 'screen' ? degradation.recapture : null;
		if (screen) {
			// The phone or monitor around the card: a black screen margin and bezel, then the screen's light.
			bezel(raw, width, height, corners, 1.12 + r() * 0.1);
			const band = { period: 40 + r() * 120, phase: r() * 2 * Math.PI };
			composite(card, raw, width, height, corners, (u, v, rgb) =>
				screenLight(u, v, rgb, screen.pitch ?? 2, band)
			);
		} else {
			dropShadow(raw, width, height, corners);
			composite(card, raw, width, height, corners);
		}
		if (degradation.hand) thumb(raw, width, height, corners, degradation.hand);
	} else {
		// Flat card (a scan or an album crop): paper under transparent corners.
		raw = await sharp(card, { raw: { width: CARD_W, height: CARD_H, channels: 4 } })
			.flatten({ background: '#ffffff' })
			.raw()
			.toBuffer();
	}
	light(raw, width, height, degradation, r);
	camera(raw, width, height, corners, degradation, r);
	if (degradation.glare) glare(raw, width, height, corners, degradation.glare, degradation.glareAt);
	let img = sharp(raw, { raw: { width, height, channels: 3 } });
	if (degradation.blur) img = img.blur(Math.max(0.3, degradation.blur));
	if (degradation.motionBlur) {
		// A separate pass (sharp applies one convolution per pipeline): the lens blur, then the hand's movement.
		const blurred = await img.raw().toBuffer();
		img = sharp(blurred, { raw: { width, height, channels: 3 } }).convolve(
			motionKernel(degradation.motionBlur.length, degradation.motionBlur.angle)
		);
	}
	const jpeg = degradation.jpegQuality !== undefined;
	const bytes = await (jpeg ? img.jpeg({ quality: degradation.jpegQuality }) : img.png()).toBuffer();
	let path: string | null = null;
	if (opts.write !== false) {
		const dir = opts.outDir ?? defaultOutDir;
		mkdirSync(dir, { recursive: true });
		const name = `card_${opts.seed}_${opts.side}_${process.pid}_${counter++}`;
		path = join(dir, `${name}.${jpeg ? 'jpg' : 'png'}`);
		writeFileSync(path, bytes);
		writeFileSync(
			join(dir, `${name}.json`),
			JSON.stringify({ side: opts.side, identity, corners, degradation }, null, 2)
		);
	}
	return {
		side: opts.side,
		identity,
		bytes,
		path,
		width,
		height,
		corners,
		portraitBox: PORTRAIT_BOX,
		degradation
	};
}
