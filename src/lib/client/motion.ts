// A cheap frame-to-frame motion measure on the main thread: a photo held still in front of the camera (or a looped
// still image) changes by almost nothing between frames, a live face always does (breathing, blinks, sensor noise).
// It stands in for the face engine's liveness until workers/face.worker.ts is wired in; it never decides "live"
// on its own for the server, which re-checks the signed scores against the policy.
import { median as coreMedian } from '../core/liveness/stats.ts';

const W = 64;
const H = 48;

export interface MotionTracker {
	/** Mean absolute grey difference to the previous frame, 0..255, or null for the first frame. */
	push(source: CanvasImageSource): number | null;
}

export function createMotionTracker(): MotionTracker {
	const canvas = new OffscreenCanvas(W, H);
	const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
	let previous: Float32Array | null = null;
	return {
		push(source) {
			ctx.drawImage(source, 0, 0, W, H);
			const rgba = ctx.getImageData(0, 0, W, H).data;
			const grey = new Float32Array(W * H);
			for (let i = 0; i < grey.length; i++)
				grey[i] = 0.299 * rgba[i * 4] + 0.587 * rgba[i * 4 + 1] + 0.114 * rgba[i * 4 + 2];
			const prev = previous;
			previous = grey;
			if (!prev) return null;
			let sum = 0;
			for (let i = 0; i < grey.length; i++) sum += Math.abs(grey[i] - prev[i]);
			return sum / grey.length;
		}
	};
}

/** The core's median (core/liveness/stats.ts), null when nothing was measured. */
export const median = (values: readonly number[]): number | null =>
	values.length ? coreMedian(values) : null;
