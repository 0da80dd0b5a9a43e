// Whole-frame measures used by camera hints and quality checks.
import { toGray } from './ops.ts';
import type { RgbaImage } from './types.ts';

/** Mean luma, 0..255. */
export function meanBrightness(img: RgbaImage): number {
	return meanGrey(toGray(img));
}

/** Mean of grey values (0..255); 0 for none. The face engine's brightness() is this on its 0..1 scale. */
export function meanGrey(gray: ArrayLike<number>): number {
	let sum = 0;
	for (let i = 0; i < gray.length; i++) sum += gray[i];
	return gray.length ? sum / gray.length : 0;
}

/** Variance of the 4-neighbour Laplacian: low on blurred frames, high on sharp ones. */
export function laplacianVariance(img: RgbaImage): number {
	return greyLaplacianVariance(toGray(img), img.width, img.height);
}

/**
 * Variance of the 4-neighbour Laplacian over grey values (0..255), row-major `w` x `h`: the one sharpness measure
 * of the camera hints, the face engine's crop and the photo checks (each on its own fixed-size region).
 */
export function greyLaplacianVariance(g: Float32Array, w: number, h: number): number {
	if (w < 3 || h < 3) return 0;
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

/**
 * The value a sort would put at index `k` (0-based), by selection on a copy: O(n) instead of the sort's
 * O(n log n), which was most of a face-quality measure's time on the server.
 */
export function kthSmallest(values: Float32Array, k: number): number {
	const a = Float32Array.from(values);
	let lo = 0;
	let hi = a.length - 1;
	while (hi > lo) {
		const mid = (lo + hi) >>> 1;
		// Median of three as the pivot: sorted or constant regions (a plain background) stay linear.
		if (a[mid] < a[lo]) swap(a, mid, lo);
		if (a[hi] < a[lo]) swap(a, hi, lo);
		if (a[hi] < a[mid]) swap(a, hi, mid);
		const pivot = a[mid];
		let i = lo;
		let j = hi;
		while (i <= j) {
			while (a[i] < pivot) i++;
			while (a[j] > pivot) j--;
			if (i <= j) swap(a, i++, j--);
		}
		if (k <= j) hi = j;
		else if (k >= i) lo = i;
		else return a[k];
	}
	return a[k];
}

function swap(a: Float32Array, i: number, j: number): void {
	const t = a[i];
	a[i] = a[j];
	a[j] = t;
}
