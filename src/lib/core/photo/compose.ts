// Frames the head the way the spec wants and paints the background with the spec's colour.
import { resize } from '../image/ops.ts';
import { createImage, type Box, type RgbaImage } from '../image/types.ts';
import type { HeadGeometry } from './head.ts';
import type { PersonMask } from './segment.ts';
import type { PhotoSpec } from './spec.ts';

export interface Framing {
	/** Region of the source image that becomes the output (may reach past the source's edges). */
	box: Box;
	/** Output pixels per source pixel. */
	scale: number;
	/** Chin-to-crown share of the output height after framing. */
	chinToCrown: number;
	/** True when the region reaches past the source's bottom or sides (filled with background there). */
	padded: boolean;
}

/**
 * Places the head at the spec's target size and crown margin, centred. When the source is too tight for that
 * (the shoulders would end above the output's bottom edge), it zooms in as far as the spec's head-size ceiling
 * allows, because a band of flat colour under the shoulders looks wrong on a printed ticket.
 */
export function frameHead(
	g: HeadGeometry,
	sourceWidth: number,
	sourceHeight: number,
	spec: PhotoSpec
): Framing {
	const W = spec.file.width;
	const H = spec.file.height;
	const head = g.chinY - g.crownY;
	const target = (spec.head.targetChinToCrown * H) / head;
	const marginPx = spec.head.targetCrownMargin * H;
	// Scale at which the bottom edge meets the source bottom: crownY + (H - margin) / s <= sourceHeight.
	const fitBottom = (H - marginPx) / Math.max(1, sourceHeight - g.crownY);
	const fitWidth = W / sourceWidth;
	const ceiling = ((spec.head.chinToCrownMax - 0.05) * H) / head;
	const scale = Math.min(ceiling, Math.max(target, fitBottom, fitWidth));
	const box = {
		x: g.centreX - W / scale / 2,
		y: g.crownY - marginPx / scale,
		width: W / scale,
		height: H / scale
	};
	const padded =
		box.x < -0.5 ||
		box.y < -0.5 ||
		box.x + box.width > sourceWidth + 0.5 ||
		box.y + box.height > sourceHeight + 0.5;
	return { box, scale, chinToCrown: (head * scale) / H, padded };
}

/** Copies a region with the mask in the alpha channel (premultiplied); outside the source counts as background (alpha 0). */
function cropWithAlpha(image: RgbaImage, mask: PersonMask, box: Box): RgbaImage {
	const bx = Math.round(box.x);
	const by = Math.round(box.y);
	const w = Math.max(1, Math.round(box.width));
	const h = Math.max(1, Math.round(box.height));
	const out = createImage(w, h);
	// Taking the backdrop's share out of edge pixels needs one backdrop colour; on a busy scene it would paint
	// the wrong colour into the hair, so there the edge is only premultiplied.
	const bg = mask.backgroundSpreadDeltaE <= 10 ? mask.backgroundRgb : [0, 0, 0];
	// The mask grid's bilinear weights per column and per row, computed once (as personAlphaAt would per pixel).
	const gw = mask.gridWidth;
	const gh = mask.gridHeight;
	const grid = (n: number, size: number, cells: number, offset: number) => {
		const i0 = new Int32Array(n);
		const i1 = new Int32Array(n);
		const f = new Float32Array(n);
		for (let k = 0; k < n; k++) {
			const u = Math.min(Math.max(((offset + k + 0.5) * cells) / size - 0.5, 0), cells - 1);
			i0[k] = Math.floor(u);
			i1[k] = Math.min(i0[k] + 1, cells - 1);
			f[k] = u - i0[k];
		}
		return { i0, i1, f };
	};
	const cols = grid(w, mask.width, gw, bx);
	const rows = grid(h, mask.height, gh, by);
	const alpha = mask.alpha;
	for (let y = 0; y < h; y++) {
		const sy = by + y;
		if (sy < 0 || sy >= image.height) continue;
		const r0 = rows.i0[y] * gw;
		const r1 = rows.i1[y] * gw;
		const fy = rows.f[y];
		for (let x = 0; x < w; x++) {
			const sx = bx + x;
			if (sx < 0 || sx >= image.width) continue;
			const i = sy * image.width + sx;
			const o = (y * w + x) * 4;
			const c0 = cols.i0[x];
			const c1 = cols.i1[x];
			const fx = cols.f[x];
			const top = alpha[r0 + c0] * (1 - fx) + alpha[r0 + c1] * fx;
			const bottom = alpha[r1 + c0] * (1 - fx) + alpha[r1 + c1] * fx;
			const a = top * (1 - fy) + bottom * fy;
			// Premultiplied, so resizing mixes person and background pixels in proportion to their alpha. On the
			// soft edge the old backdrop's share (1 - a) * B is taken out, so no halo of the old colour remains.
			for (let c = 0; c < 3; c++)
				out.data[o + c] = Math.min(255 * a, Math.max(0, image.data[i * 4 + c] - (1 - a) * bg[c]));
			out.data[o + 3] = Math.round(a * 255);
		}
	}
	return out;
}

/** The output photo: framed, scaled to the spec's size, background replaced with the spec's fill colour. */
export function composePhoto(
	image: RgbaImage,
	mask: PersonMask,
	framing: Framing,
	spec: PhotoSpec
): RgbaImage {
	const region = cropWithAlpha(image, mask, framing.box);
	const scaled = resize(region, spec.file.width, spec.file.height);
	const [fr, fg, fb] = spec.background.fill;
	const d = scaled.data;
	for (let i = 0; i < d.length; i += 4) {
		const a = d[i + 3] / 255;
		d[i] = d[i] + fr * (1 - a);
		d[i + 1] = d[i + 1] + fg * (1 - a);
		d[i + 2] = d[i + 2] + fb * (1 - a);
		d[i + 3] = 255;
	}
	return scaled;
}
