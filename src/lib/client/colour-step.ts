// The phone's side of the colour challenge's support (policy liveness.colour): how many frames the front camera
// delivers, counted on the preview just before the check, and what core planColour makes of it.
import { colourSupport, planColour, type ColourPlan } from '../core/liveness/colour-support.ts';
import type { LivenessColour } from '../core/policy/types.ts';

/** How long the preview's frames are counted: a few frame intervals of a slow camera. */
const COUNT_MS = 1000;

/** Frames a second the video presents, or null when the browser cannot say (no requestVideoFrameCallback). */
export function cameraFramesPerSecond(video: HTMLVideoElement, ms = COUNT_MS): Promise<number | null> {
	if (typeof video.requestVideoFrameCallback !== 'function') return Promise.resolve(null);
	return new Promise((resolve) => {
		let first: { at: number; frames: number } | null = null;
		let last: { at: number; frames: number } | null = null;
		let handle = 0;
		const onFrame: VideoFrameRequestCallback = (now, metadata) => {
			last = { at: now, frames: metadata.presentedFrames };
			first ??= last;
			handle = video.requestVideoFrameCallback(onFrame);
		};
		handle = video.requestVideoFrameCallback(onFrame);
		setTimeout(() => {
			video.cancelVideoFrameCallback(handle);
			if (!first || !last || last.at <= first.at) return resolve(0);
			resolve(((last.frames - first.frames) * 1000) / (last.at - first.at));
		}, ms);
	});
}

/** Whether this check runs the colour challenge, skips it (with why) or cannot go on ('on' and unsupported). */
export async function colourPlanFor(video: HTMLVideoElement, setting: LivenessColour): Promise<ColourPlan> {
	if (setting === 'off') return { run: false };
	return planColour(setting, colourSupport({ framesPerSecond: await cameraFramesPerSecond(video) }));
}
