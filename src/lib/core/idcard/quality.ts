// Capture-quality gates on the rectified card, run before OCR so the candidate gets an actionable reason
// (move closer, hold still, tilt away from the light, find more light) instead of a wrong reading.
import type { RgbaImage } from '../image/types.ts';
import { toGray } from '../image/ops.ts';
import { reason, type Reason } from './reasons.ts';

export interface CaptureQuality {
	/** Mean luma 0..255. */
	brightness: number;
	/** Share of pixels blown out (luma >= 250). */
	glare: number;
	/** Mean absolute Laplacian over the strongest 5% edges: sharp print gives high values. */
	sharpness: number;
}

export const QUALITY_LIMITS = { minBrightness: 55, maxGlare: 0.06, minSharpness: 12 };

export function measureQuality(card: RgbaImage): CaptureQuality {
	const g = toGray(card);
	const { width: w, height: h } = card;
	let sum = 0;
	let blown = 0;
	for (const v of g) {
		sum += v;
		if (v >= 250) blown++;
	}
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
	return { brightness: sum / g.length, glare: blown / g.length, sharpness };
}

export function qualityReasons(q: CaptureQuality): Reason[] {
	const reasons: Reason[] = [];
	if (q.brightness < QUALITY_LIMITS.minBrightness) {
		reasons.push(reason('capture.too_dark', '光线太暗，请到明亮处拍摄', 'Too dark: move somewhere brighter'));
	}
	if (q.glare > QUALITY_LIMITS.maxGlare) {
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
