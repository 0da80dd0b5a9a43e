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
import { CARD_H, CARD_W, PORTRAIT_BOX } from './layout.ts';
import { emblemSvg, portraitSvg } from './svg.ts';

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
	face?: string
): Promise<Buffer> {
	const svg = side === 'portrait' ? portraitSvg(identity, r) : emblemSvg(identity, r);
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

/** Table texture: warm wood-like gradient with grain, so the card's edge has to be found. */
function table(width: number, height: number, r: Rng): Buffer {
	const out = Buffer.alloc(width * height * 3);
	const base = [120 + r() * 60, 85 + r() * 40, 50 + r() * 30];
	const phase = r() * 10;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const grain = 14 * Math.sin(y / 7 + Math.sin(x / 90 + phase) * 3) + (r() - 0.5) * 10;
			const o = (y * width + x) * 3;
			for (let c = 0; c < 3; c++) out[o + c] = Math.max(0, Math.min(255, base[c] + grain));
		}
	}
	return out;
}

function placeCorners(d: Degradation, frameW: number, frameH: number, r: Rng): Point[] {
	const fill = d.fill ?? 0.7;
	const w = frameW * fill;
	const h = (w * CARD_H) / CARD_W;
	const cx = frameW / 2 + (d.cutOff ? frameW * d.cutOff + w * d.cutOff : (r() - 0.5) * (frameW - w) * 0.4);
	const cy = frameH / 2 + (r() - 0.5) * (frameH - h) * 0.4;
	const a = ((d.rotate ?? 0) * Math.PI) / 180;
	const jitter = d.perspective ?? 0;
	return [
		[-w / 2, -h / 2],
		[w / 2, -h / 2],
		[w / 2, h / 2],
		[-w / 2, h / 2]
	].map(([x, y]) => {
		const jx = x + (r() - 0.5) * 2 * jitter * w;
		const jy = y + (r() - 0.5) * 2 * jitter * h;
		return { x: cx + jx * Math.cos(a) - jy * Math.sin(a), y: cy + jx * Math.sin(a) + jy * Math.cos(a) };
	});
}

/** Composites the RGBA card onto the table through the homography card -> frame (inverse-mapped, bilinear). */
function composite(card: Buffer, frame: Buffer, frameW: number, frameH: number, corners: Point[]): void {
	const src = [
		{ x: 0, y: 0 },
		{ x: CARD_W, y: 0 },
		{ x: CARD_W, y: CARD_H },
		{ x: 0, y: CARD_H }
	];
	const inv = homographyFromPoints(corners, src);
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
			for (let c = 0; c < 3; c++) frame[o + c] = frame[o + c] * (1 - alpha) + px(c) * alpha;
		}
	}
}

/** A lamp's reflection: a saturated white ellipse with a soft rim, centred on the card. */
function glare(frame: Buffer, w: number, h: number, corners: Point[], size: number): void {
	const cx = corners.reduce((a, p) => a + p.x, 0) / 4;
	const cy = corners.reduce((a, p) => a + p.y, 0) / 4;
	const rx = (Math.hypot(corners[1].x - corners[0].x, corners[1].y - corners[0].y) * size) / 2;
	const ry = rx * 0.6;
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const q = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
			if (q >= 1.6) continue;
			const a = q < 1 ? 1 : (1.6 - q) / 0.6;
			const o = (y * w + x) * 3;
			for (let c = 0; c < 3; c++) frame[o + c] = frame[o + c] * (1 - a) + 255 * a;
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
	const identity = { ...randomIdentity(rng(opts.seed)), ...opts.identity };
	const degradation: Degradation =
		opts.degrade === 'random'
			? randomDegradation(r)
			: opts.degrade === 'clean' || !opts.degrade
				? {}
				: opts.degrade;
	const card = await renderCard(opts.side, identity, r, opts.face);
	let raw: Buffer;
	let width = CARD_W;
	let height = CARD_H;
	let corners: Point[] = [
		{ x: 0, y: 0 },
		{ x: CARD_W, y: 0 },
		{ x: CARD_W, y: CARD_H },
		{ x: 0, y: CARD_H }
	];
	if (degradation.fill || degradation.rotate || degradation.perspective || degradation.cutOff) {
		width = 1280;
		height = 960;
		raw = table(width, height, r);
		corners = placeCorners(degradation, width, height, r);
		composite(card, raw, width, height, corners);
	} else {
		// Flat card (a scan or an album crop): paper under transparent corners.
		raw = await sharp(card, { raw: { width: CARD_W, height: CARD_H, channels: 4 } })
			.flatten({ background: '#ffffff' })
			.raw()
			.toBuffer();
	}
	light(raw, width, height, degradation, r);
	if (degradation.glare) glare(raw, width, height, corners, degradation.glare);
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
