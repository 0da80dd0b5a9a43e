// The frame-to-frame motion measure on the main thread: the browser's canvas draws the camera frame as the core's
// small thumbnail, and the core measures the change (core/liveness/motion.ts), the same measure a replay uses.
import { createFrameMotion, MOTION_HEIGHT, MOTION_WIDTH } from '../core/liveness/motion.ts';
import { median as coreMedian } from '../core/liveness/stats.ts';
import { grabFrameAt } from './camera.ts';

/** The video's current frame as the motion measure's thumbnail. */
export const motionThumbnail = (video: HTMLVideoElement): ImageData =>
	grabFrameAt(video, MOTION_WIDTH, MOTION_HEIGHT);

export interface MotionTracker {
	/** Mean absolute grey difference to the previous frame, 0..255, or null for the first frame. */
	push(video: HTMLVideoElement): number | null;
}

export function createMotionTracker(): MotionTracker {
	const motion = createFrameMotion();
	return { push: (video) => motion.push(motionThumbnail(video)) };
}

/** The core's median (core/liveness/stats.ts), null when nothing was measured. */
export const median = (values: readonly number[]): number | null =>
	values.length ? coreMedian(values) : null;
