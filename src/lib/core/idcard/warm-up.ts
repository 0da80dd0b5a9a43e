// A made-up photo of a portrait side for warming the reader up: a light card on a darker table with blocks of
// "characters" where the name, address and number rows are. It is not read as a card (no text is real); it
// only makes every step run on card-like input: locate, rectify, gate, the detector (which finds the blocks as
// lines), the recogniser on rows of those lines. Why: in a browser the WASM runtime starts in its baseline
// tier and compiles hot functions with its optimising tier only after they have run a while (so does the
// JavaScript), and the first real cards of a run took up to 3x the later ones after a single warm-up run.
import { createImage, type RgbaImage } from '../image/types.ts';

const W = 1280;
const H = 960;

function fill(img: RgbaImage, x0: number, y0: number, w: number, h: number, rgb: readonly number[]): void {
	for (let y = Math.round(y0); y < Math.round(y0 + h); y++) {
		for (let x = Math.round(x0); x < Math.round(x0 + w); x++) {
			const o = (y * img.width + x) * 4;
			img.data[o] = rgb[0];
			img.data[o + 1] = rgb[1];
			img.data[o + 2] = rgb[2];
		}
	}
}

/** A row of `n` glyph-like blocks from (x, y), `size` high and `width` wide each, on the card. */
function blocks(img: RgbaImage, x: number, y: number, n: number, size: number, width: number): void {
	for (let i = 0; i < n; i++) {
		// Two strokes per block, so the detector sees text texture rather than one solid bar.
		fill(img, x + i * size * 1.05, y, width * 0.35, size, [30, 30, 30]);
		fill(img, x + i * size * 1.05 + width * 0.55, y + size * 0.2, width * 0.35, size * 0.8, [30, 30, 30]);
	}
}

/**
 * A camera's noise (about ±6 levels, a fixed sequence) and an opaque alpha. Why: on flat colours every filter
 * gives whole numbers, V8 compiles the image steps for small integers, and the first real photo (fractions
 * everywhere) throws that code away: the card a candidate waits for then ran half-optimised code.
 */
function addNoise(img: RgbaImage): void {
	let state = 12345;
	for (let i = 0; i < img.data.length; i += 4) {
		for (let c = 0; c < 3; c++) {
			// A linear congruential sequence: deterministic, so every warm-up does the same work.
			state = (Math.imul(state, 1103515245) + 12345) >>> 0;
			img.data[i + c] += ((state >>> 24) % 13) - 6;
		}
		img.data[i + 3] = 255;
	}
}

/** The synthetic 1280x960 frame, the card filling ~70 % of its width, upright. */
export function warmUpPhoto(): RgbaImage {
	const img = createImage(W, H);
	fill(img, 0, 0, W, H, [96, 84, 72]);
	const cw = 900;
	const ch = (cw * 54) / 85.6;
	const cx = (W - cw) / 2;
	const cy = (H - ch) / 2;
	fill(img, cx, cy, cw, ch, [232, 230, 222]);
	const g = ch * 0.055;
	const row = (fy: number) => cy + fy * ch - g / 2;
	const col = (fx: number) => cx + fx * cw;
	blocks(img, col(0.08), row(0.178), 5, g, g); // 姓名 + a three-character name
	blocks(img, col(0.08), row(0.28), 3, g, g);
	blocks(img, col(0.34), row(0.28), 3, g, g);
	blocks(img, col(0.08), row(0.383), 10, g, g * 0.7); // 出生 + a date
	blocks(img, col(0.08), row(0.483), 13, g, g); // 住址 + three address rows
	blocks(img, col(0.19), row(0.58), 11, g, g);
	blocks(img, col(0.19), row(0.68), 6, g, g);
	blocks(img, col(0.08), row(0.835), 6, g, g); // 公民身份号码 + 18 digits
	blocks(img, col(0.34), row(0.835), 18, g * 0.62, g * 0.55);
	addNoise(img);
	return img;
}

/**
 * A made-up card's fields for warming the steps after the models (the address and authority corrections build
 * their place-name tables on first use, the validation reads the region table): the values need not match the
 * photo above.
 */
export const WARM_UP_FIELDS = {
	name: '王小明',
	sex: '男',
	ethnicity: '汉',
	birthDate: '1990-03-07',
	address: '湖北省武汉市洪山区珞喻路1037号',
	idNumber: '110105199003071239',
	authority: '武汉市公安局洪山分局',
	validFrom: '2020-01-01',
	validTo: '2040-01-01'
} as const;
