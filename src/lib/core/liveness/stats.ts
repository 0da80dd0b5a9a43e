// Small robust statistics the liveness checks use on noisy per-frame measures.

export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(Math.max(p, 0), 1) * (sorted.length - 1);
	const lo = Math.floor(rank);
	const hi = Math.ceil(rank);
	return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function median(values: readonly number[]): number {
	return percentile(values, 0.5);
}

export function mean(values: readonly number[]): number {
	if (values.length === 0) return NaN;
	let sum = 0;
	for (const v of values) sum += v;
	return sum / values.length;
}

/** Pearson correlation; 0 when either series is constant (no evidence either way). */
export function pearson(a: readonly number[], b: readonly number[]): number {
	const n = Math.min(a.length, b.length);
	if (n < 3) return 0;
	const ma = mean(a.slice(0, n));
	const mb = mean(b.slice(0, n));
	let sab = 0;
	let saa = 0;
	let sbb = 0;
	for (let i = 0; i < n; i++) {
		const da = a[i] - ma;
		const db = b[i] - mb;
		sab += da * db;
		saa += da * da;
		sbb += db * db;
	}
	if (saa < 1e-12 || sbb < 1e-12) return 0;
	return sab / Math.sqrt(saa * sbb);
}

export function round(value: number, digits = 3): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}
