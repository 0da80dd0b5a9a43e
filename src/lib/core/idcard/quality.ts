// Capture-quality gates on the rectified card, run before OCR so the candidate gets an actionable reason
// (move closer, hold still, tilt away from the light, find more light) instead of a wrong reading.
import type { RgbaImage } from '../image/types.ts';
import { toGray } from '../image/ops.ts';
import { reason, type Reason } from './reasons.ts';

export interface CaptureQuality {
	/** Mean luma 0..255. */
	brightness: number;
	/** Share of the card inside blown-out patches (8x5 grid cells at least half at luma >= 250). */
	glare: number;
	/** Median of the grid cells' blown-out shares: high when the whole card is overexposed (not a patch). */
	overexposure: number;
	/** Mean absolute Laplacian over the strongest 5% edges: sharp print gives high values. */
	sharpness: number;
}

/**
 * Gates measured on generated cards (tests/node/idcard, tests/bench/idcard.bench.ts): a lamp patch a quarter
 * of the card wide (~5 % of its area) still reads, one half as wide (~20 %) does not; Gaussian blur sigma 2 px at 70 %
 * fill still reads (sharpness ~15), sigma 3 does not (~6); on small (45-55 % fill) cards blurred by 1-2 px the
 * number still read at sharpness 5-9 but names failed below ~7.6, hence 8; brightness x0.2 (mean luma ~45) is refused.
 */
export const QUALITY_LIMITS = { minBrightness: 55, maxGlare: 0.1, minSharpness: 8 };

export function measureQuality(card: RgbaImage): CaptureQuality {
	const g = toGray(card);
	const { width: w, height: h } = card;
	let sum = 0;
	const cols = 8;
	const rows = 5;
	const cellBlown = new Float64Array(cols * rows);
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const v = g[y * w + x];
			sum += v;
			if (v >= 250) cellBlown[Math.floor((y * rows) / h) * cols + Math.floor((x * cols) / w)]++;
		}
	}
	const cellArea = (w * h) / (cols * rows);
	const shares = Array.from(cellBlown, (b) => b / cellArea).sort((a, b) => a - b);
	const glare = shares.filter((x) => x >= 0.5).reduce((a, b) => a + b, 0) / shares.length;
	const overexposure = shares[Math.floor(shares.length / 2)];
	// Mean of the top 5% |Laplacian| values, from a histogram (no sort of half a million numbers).
	const hist = new Uint32Array(1021);
	let n = 0;
	for (let y = 1; y < h - 1; y++) {
		for (let x = 1; x < w - 1; x++) {
			const i = y * w + x;
			hist[Math.min(1020, Math.round(Math.abs(4 * g[i] - g[i - 1] - g[i + 1] - g[i - w] - g[i + w])))]++;
			n++;
		}
	}
	const want = Math.max(1, Math.floor(n * 0.05));
	let taken = 0;
	let total = 0;
	for (let v = 1020; v >= 0 && taken < want; v--) {
		const k = Math.min(hist[v], want - taken);
		taken += k;
		total += k * v;
	}
	const sharpness = total / taken;
	return { brightness: sum / g.length, glare, overexposure, sharpness };
}

export function qualityReasons(q: CaptureQuality): Reason[] {
	const reasons: Reason[] = [];
	if (q.brightness < QUALITY_LIMITS.minBrightness) {
		reasons.push(reason('capture.too_dark', '光线太暗，请到明亮处拍摄', 'Too dark: move somewhere brighter'));
	}
	// A blown patch hides print; an evenly bright card usually still reads, so only a patch is refused.
	if (q.glare > QUALITY_LIMITS.maxGlare && q.overexposure < 0.3) {
		reasons.push(
			reason(
				'capture.glare',
				'证件反光，请调整角度避开灯光',
				'Glare on the card: tilt it away from the light'
			)
		);
	}
	if (q.sharpness < QUALITY_LIMITS.minSharpness) {
		reasons.push(
			reason(
				'capture.blurred',
				'图像模糊，请对焦并保持稳定',
				'The image is blurred: let the camera focus and hold still'
			)
		);
	}
	return reasons;
}
