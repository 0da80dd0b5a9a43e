// How much the picture changes from one camera frame to the next, on a small grey thumbnail: a photo held still
// in front of the camera (or a looped still image) changes by almost nothing between frames, a live face always
// does (breathing, blinks, sensor noise). The phone draws the thumbnail with the browser's canvas, Node replays
// with the core's resize; the measure is this one.
import { resize, toGray } from '../image/ops.ts';
import type { RgbaImage } from '../image/types.ts';

export const MOTION_WIDTH = 64;
export const MOTION_HEIGHT = 48;

export interface FrameMotion {
	/** Mean absolute grey difference to the previous frame, 0..255, or null for the first frame. */
	push(frame: RgbaImage): number | null;
}

export function createFrameMotion(): FrameMotion {
	let previous: Float32Array | null = null;
	return {
		push(frame) {
			const small =
				frame.width === MOTION_WIDTH && frame.height === MOTION_HEIGHT
					? frame
					: resize(frame, MOTION_WIDTH, MOTION_HEIGHT);
			const grey = toGray(small);
			const prev = previous;
			previous = grey;
			if (!prev) return null;
			let sum = 0;
			for (let i = 0; i < grey.length; i++) sum += Math.abs(grey[i] - prev[i]);
			return sum / grey.length;
		}
	};
}
