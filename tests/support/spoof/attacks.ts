// Presentation attacks made from real face captures, for the anti-spoof benchmark: the same face shown to the
// camera on a screen (sub-pixel grid and moiré, bezel, emissive bluish white, refresh banding) or on a colour print
// (CMY halftone, paper margin, paler inks), held at several distances, a little tilted, with and without a lamp's
// reflection; and the bona fide capture of the same frame through the same camera (blur, sensor noise, white
// balance, JPEG). Only the medium differs between a face's bona fide capture and its attacks.
import sharp from 'sharp';
import { resize } from '../../../src/lib/core/image/ops.ts';
import type { RgbaImage } from '../../../src/lib/core/image/types.ts';
import { decodeImage } from '../../../src/lib/runtime/node-image.ts';
import { halftonePrint, screenLight } from '../idcard/recapture.ts';
import type { Rng } from '../idcard/identities.ts';

export type Species = 'bona_fide' | 'screen' | 'print';

export interface Condition {
	id: string;
	species: Species;
	/** The medium's width as a share of the frame's (distance to the camera). */
	fill: number;
	/** Peak of a lamp's reflection on the medium, 0..1 of full white. */
	glare: number;
}

const FRAME = { width: 480, height: 640 };

export const CONDITIONS: Condition[] = [
	{ id: 'bona fide', species: 'bona_fide', fill: 1, glare: 0 },
	...(['screen', 'print'] as const).flatMap((species) =>
		[
			['near', 1.05],
			['mid', 0.8],
			['far', 0.6]
		].flatMap(([distance, fill]) =>
			[0, 0.45].map((glare) => ({
				id: `${species}, ${distance}${glare ? ', lamp reflection' : ''}`,
				species,
				fill: fill as number,
				glare
			}))
		)
	)
];

/** The frame a phone's front camera takes of `face` under `condition`. */
export async function capture(face: RgbaImage, condition: Condition, r: Rng): Promise<RgbaImage> {
	const scene =
		condition.species === 'bona_fide'
			? cover(face, FRAME.width, FRAME.height)
			: presented(face, condition, r);
	return camera(scene, r);
}

/** The source scaled to cover the frame, centred (a selfie fills the screen). */
function cover(src: RgbaImage, width: number, height: number): RgbaImage {
	const scale = Math.max(width / src.width, height / src.height);
	const big = resize(src, Math.ceil(src.width * scale), Math.ceil(src.height * scale));
	const out = { width, height, data: new Uint8ClampedArray(width * height * 4) };
	const x0 = Math.floor((big.width - width) / 2);
	const y0 = Math.floor((big.height - height) / 2);
	for (let y = 0; y < height; y++)
		out.data.set(
			big.data.subarray(((y + y0) * big.width + x0) * 4, ((y + y0) * big.width + x0 + width) * 4),
			y * width * 4
		);
	return out;
}

/** The medium held in front of a plain wall: tilted, off-centre, its picture rendered per sub-sample of a pixel. */
export function presented(face: RgbaImage, c: Condition, r: Rng): RgbaImage {
	const { width: W, height: H } = FRAME;
	const out = new Uint8ClampedArray(W * H * 4);
	const screen = c.species === 'screen';
	// The medium: its picture keeps the source's aspect; a bezel (screen) or paper margin (print) around it.
	const mw = W * c.fill;
	const border = mw * (screen ? 0.05 : 0.04);
	const pw = mw - 2 * border;
	const ph = (pw * face.height) / face.width;
	const mh = ph + 2 * border * (screen ? 2.2 : 1);
	const angle = ((r() - 0.5) * 10 * Math.PI) / 180;
	const [cx, cy] = [W / 2 + (r() - 0.5) * 0.1 * W, H / 2 + (r() - 0.5) * 0.1 * H];
	const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
	// A print is halftoned at its own resolution; a screen shows its pixels at `pitch` output pixels each.
	const printed = screen ? null : halftoned(face, Math.round(pw * 2), r);
	const pitch = screen ? pw / (720 + r() * 720) : 0;
	const band = { period: ph * (0.3 + r() * 0.4), phase: r() * 6.28 };
	const wall = [150 + r() * 70, 140 + r() * 70, 130 + r() * 70];
	const tint = screen ? [0.93, 1, 1.1] : [1, 0.97, 0.9];
	const glareAt = [pw * (0.2 + r() * 0.6), ph * (0.2 + r() * 0.6)];
	const glareSigma = pw * (0.12 + r() * 0.1);
	const SUB = 3;
	for (let y = 0; y < H; y++) {
		for (let x = 0; x < W; x++) {
			const acc = [0, 0, 0];
			for (let sy = 0; sy < SUB; sy++) {
				for (let sx = 0; sx < SUB; sx++) {
					const dx = x + (sx + 0.5) / SUB - cx;
					const dy = y + (sy + 0.5) / SUB - cy;
					// Medium coordinates, from its top-left corner.
					const mx = cos * dx + sin * dy + mw / 2;
					const my = -sin * dx + cos * dy + mh / 2;
					let rgb: number[];
					if (mx < 0 || my < 0 || mx >= mw || my >= mh) rgb = wall.map((v) => v * (0.8 + 0.2 * (y / H)));
					else {
						const u = mx - border;
						const v = my - (mh - ph) / 2;
						if (u < 0 || v < 0 || u >= pw || v >= ph) rgb = screen ? [18, 18, 20] : [236, 232, 222];
						else {
							if (printed)
								rgb = sample(printed, (u / pw) * printed.width, (v / ph) * printed.height).map(
									(k, i) => (22 + k * 0.86) * tint[i]
								);
							else
								rgb = screenLight(
									u,
									v,
									sample(face, (u / pw) * face.width, (v / ph) * face.height) as [number, number, number],
									pitch,
									band
								);
							const g =
								c.glare *
								255 *
								Math.exp(-((u - glareAt[0]) ** 2 + (v - glareAt[1]) ** 2) / (2 * glareSigma ** 2));
							rgb = rgb.map((k) => k + g);
						}
					}
					for (let i = 0; i < 3; i++) acc[i] += rgb[i];
				}
			}
			const o = (y * W + x) * 4;
			for (let i = 0; i < 3; i++) out[o + i] = acc[i] / (SUB * SUB);
			out[o + 3] = 255;
		}
	}
	return { width: W, height: H, data: out };
}

function halftoned(face: RgbaImage, width: number, r: Rng): RgbaImage {
	const big = resize(face, width, Math.round((width * face.height) / face.width));
	const buffer = Buffer.from(big.data.buffer, big.data.byteOffset, big.data.byteLength);
	halftonePrint(buffer, big.width, big.height, 2.5 + r() * 1.5, r);
	return { width: big.width, height: big.height, data: new Uint8ClampedArray(buffer) };
}

function sample(img: RgbaImage, x: number, y: number): number[] {
	const xi = Math.min(img.width - 1, Math.max(0, Math.floor(x)));
	const yi = Math.min(img.height - 1, Math.max(0, Math.floor(y)));
	const o = (yi * img.width + xi) * 4;
	return [img.data[o], img.data[o + 1], img.data[o + 2]];
}

/** The phone camera: lens blur, white balance a little off, sensor noise, JPEG at a phone's quality. */
export async function camera(scene: RgbaImage, r: Rng): Promise<RgbaImage> {
	const balance = [1 + (r() - 0.5) * 0.12, 1, 1 + (r() - 0.5) * 0.12];
	const noise = 2 + r() * 4;
	const data = new Uint8ClampedArray(scene.data.length);
	for (let i = 0; i < scene.width * scene.height; i++) {
		for (let c = 0; c < 3; c++) {
			const gauss = (r() + r() + r() - 1.5) * 2;
			data[i * 4 + c] = scene.data[i * 4 + c] * balance[c] + gauss * noise;
		}
		data[i * 4 + 3] = 255;
	}
	const jpeg = await sharp(Buffer.from(data.buffer), {
		raw: { width: scene.width, height: scene.height, channels: 4 }
	})
		.blur(0.6 + r() * 0.6)
		.jpeg({ quality: Math.round(70 + r() * 20) })
		.toBuffer();
	return decodeImage(new Uint8Array(jpeg));
}
