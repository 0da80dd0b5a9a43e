// Cheap image-quality measures on a face crop: how lit it is and how much fine detail survives (focus, motion).

/** Mean of grey values (0..255) divided by 255: 0 black, 1 white. */
export function brightness(gray: Float32Array): number {
	let s = 0;
	for (let i = 0; i < gray.length; i++) s += gray[i];
	return gray.length ? s / gray.length / 255 : 0;
}

/**
 * Variance of the 4-neighbour Laplacian over a grey image (0..255 values). Measured on a fixed-size face crop
 * so the number compares across frames and resolutions: sharp faces score in the hundreds, blurred ones < ~50.
 */
export function laplacianVariance(gray: Float32Array, width: number, height: number): number {
	let sum = 0;
	let sumSq = 0;
	let n = 0;
	for (let y = 1; y < height - 1; y++) {
		for (let x = 1; x < width - 1; x++) {
			const i = y * width + x;
			const v = gray[i - 1] + gray[i + 1] + gray[i - width] + gray[i + width] - 4 * gray[i];
			sum += v;
			sumSq += v * v;
			n++;
		}
	}
	if (!n) return 0;
	const m = sum / n;
	return sumSq / n - m * m;
}
