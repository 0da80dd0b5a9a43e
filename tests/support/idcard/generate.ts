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
	/** What the card lies on: warm wood (default), a dark desk, or a pale one. */
	desk?: 'wood' | 'dark' | 'pale';
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
				: [120 + r() * 60, 85 + r() * 40, 50 + r() * 30];
	const amp = desk === 'dark' ? 4 : 14;
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
		raw = await table(width, height, r, degradation.desk);
		corners = placeCorners(degradation, width, height, r);
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
