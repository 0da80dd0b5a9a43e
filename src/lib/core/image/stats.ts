// Whole-frame measures used by camera hints and quality checks.
import { toGray } from './ops.ts';
import type { RgbaImage } from './types.ts';

/** Mean luma, 0..255. */
export function meanBrightness(img: RgbaImage): number {
	const gray = toGray(img);
	let sum = 0;
	for (const g of gray) sum += g;
	return gray.length ? sum / gray.length : 0;
}

/** Variance of the 4-neighbour Laplacian: low on blurred frames, high on sharp ones. */
export function laplacianVariance(img: RgbaImage): number {
	const { width: w, height: h } = img;
	if (w < 3 || h < 3) return 0;
	const g = toGray(img);
	let sum = 0;
	let sumSq = 0;
	let n = 0;
	for (let y = 1; y < h - 1; y++) {
		for (let x = 1; x < w - 1; x++) {
			const i = y * w + x;
			const lap = g[i - 1] + g[i + 1] + g[i - w] + g[i + w] - 4 * g[i];
			sum += lap;
			sumSq += lap * lap;
			n++;
		}
	}
	const mean = sum / n;
	return sumSq / n - mean * mean;
}
