// Projective geometry for card rectification: a homography from four point pairs and a perspective warp.
import { createImage, type Point, type RgbaImage } from '../image/types.ts';

/** 3x3 matrix, row-major, mapping (x, y, 1) -> (u, v, w). */
export type Homography = [number, number, number, number, number, number, number, number, number];

/** Solves the homography mapping src[i] -> dst[i] (four pairs) by Gaussian elimination on the 8x8 system. */
export function homographyFromPoints(src: readonly Point[], dst: readonly Point[]): Homography {
	const a: number[][] = [];
	for (let i = 0; i < 4; i++) {
		const { x, y } = src[i];
		const { x: u, y: v } = dst[i];
		a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
		a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
	}
	for (let col = 0; col < 8; col++) {
		let pivot = col;
		for (let r = col + 1; r < 8; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
		[a[col], a[pivot]] = [a[pivot], a[col]];
		const p = a[col][col];
		if (Math.abs(p) < 1e-12) throw new Error('degenerate quadrilateral');
		for (let c = col; c < 9; c++) a[col][c] /= p;
		for (let r = 0; r < 8; r++) {
			if (r === col) continue;
			const f = a[r][col];
			if (f === 0) continue;
			for (let c = col; c < 9; c++) a[r][c] -= f * a[col][c];
		}
	}
	const h = a.map((row) => row[8]);
	return [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1];
}

export function applyHomography(h: Homography, p: Point): Point {
	const w = h[6] * p.x + h[7] * p.y + h[8];
	return { x: (h[0] * p.x + h[1] * p.y + h[2]) / w, y: (h[3] * p.x + h[4] * p.y + h[5]) / w };
}

/**
 * Warps `img` so that the quadrilateral `corners` (top-left, top-right, bottom-right, bottom-left) fills a
 * width x height output. Bilinear sampling; outside pixels are white (card paper) rather than black.
 */
export function warpPerspective(
	img: RgbaImage,
	corners: readonly Point[],
	width: number,
	height: number
): RgbaImage {
	const outCorners = [
		{ x: 0, y: 0 },
		{ x: width, y: 0 },
		{ x: width, y: height },
		{ x: 0, y: height }
	];
	const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = homographyFromPoints(outCorners, corners);
	const out = createImage(width, height);
	// Locals, not property reads: this loop runs ~460k times per card.
	const od = out.data;
	const { width: w, height: ht, data } = img;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const px = x + 0.5;
			const py = y + 0.5;
			const q = h6 * px + h7 * py + h8;
			const sx = (h0 * px + h1 * py + h2) / q - 0.5;
			const sy = (h3 * px + h4 * py + h5) / q - 0.5;
			const o = (y * width + x) * 4;
			od[o + 3] = 255;
			if (sx >= 0 && sy >= 0 && sx < w - 1 && sy < ht - 1) {
				// Inside, where the clamps below change nothing (nearly every pixel of a card): the same arithmetic.
				const x0 = sx | 0;
				const y0 = sy | 0;
				const fx = sx - x0;
				const fy = sy - y0;
				const a = (y0 * w + x0) * 4;
				const c = a + w * 4;
				od[o] =
					(data[a] * (1 - fx) + data[a + 4] * fx) * (1 - fy) + (data[c] * (1 - fx) + data[c + 4] * fx) * fy;
				od[o + 1] =
					(data[a + 1] * (1 - fx) + data[a + 5] * fx) * (1 - fy) +
					(data[c + 1] * (1 - fx) + data[c + 5] * fx) * fy;
				od[o + 2] =
					(data[a + 2] * (1 - fx) + data[a + 6] * fx) * (1 - fy) +
					(data[c + 2] * (1 - fx) + data[c + 6] * fx) * fy;
				continue;
			}
			if (sx < -1 || sy < -1 || sx > w || sy > ht) {
				od[o] = od[o + 1] = od[o + 2] = 255;
				continue;
			}
			const x0 = Math.max(0, Math.min(w - 1, Math.floor(sx)));
			const y0 = Math.max(0, Math.min(ht - 1, Math.floor(sy)));
			const x1 = Math.min(w - 1, x0 + 1);
			const y1 = Math.min(ht - 1, y0 + 1);
			const fx = Math.max(0, Math.min(1, sx - x0));
			const fy = Math.max(0, Math.min(1, sy - y0));
			const a = (y0 * w + x0) * 4;
			const b = (y0 * w + x1) * 4;
			const c = (y1 * w + x0) * 4;
			const d = (y1 * w + x1) * 4;
			for (let k = 0; k < 3; k++) {
				const top = data[a + k] * (1 - fx) + data[b + k] * fx;
				const bottom = data[c + k] * (1 - fx) + data[d + k] * fx;
				od[o + k] = top * (1 - fy) + bottom * fy;
			}
		}
	}
	return out;
}
