// Structural similarity (Wang et al. 2004) on luma, 8x8 windows with stride 4: the encoder comparison's
// quality measure (1 = identical).
import type { RgbaImage } from './types.ts';
import { toGray } from './ops.ts';

const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

export function ssim(a: RgbaImage, b: RgbaImage, window = 8, stride = 4): number {
	if (a.width !== b.width || a.height !== b.height) throw new Error('ssim: images differ in size');
	const x = toGray(a);
	const y = toGray(b);
	const w = a.width;
	let total = 0;
	let count = 0;
	const n = window * window;
	for (let top = 0; top + window <= a.height; top += stride) {
		for (let left = 0; left + window <= w; left += stride) {
			let sx = 0;
			let sy = 0;
			let sxx = 0;
			let syy = 0;
			let sxy = 0;
			for (let j = 0; j < window; j++) {
				const row = (top + j) * w + left;
				for (let i = 0; i < window; i++) {
					const p = x[row + i];
					const q = y[row + i];
					sx += p;
					sy += q;
					sxx += p * p;
					syy += q * q;
					sxy += p * q;
				}
			}
			const mx = sx / n;
			const my = sy / n;
			const vx = sxx / n - mx * mx;
			const vy = syy / n - my * my;
			const cov = sxy / n - mx * my;
			total += ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
			count++;
		}
	}
	return count ? total / count : 1;
}
