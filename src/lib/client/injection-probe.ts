// Watches the camera during the liveness check for the observations the injection signals are made of
// (core/liveness/injection.ts): the track's label, navigator.webdriver, each frame's capture time and size.
import { injectionSignals, type InjectionSignal } from '../core/liveness/injection.ts';

/** At most this many frame times are kept (a 30 s check at 30 fps). */
const MAX_FRAMES = 900;

export interface InjectionProbe {
	/** Stops watching and names the signals seen. */
	finish(): InjectionSignal[];
}

export function watchForInjection(video: HTMLVideoElement, stream: MediaStream): InjectionProbe {
	const track = stream.getVideoTracks()[0];
	const frameTimes: number[] = [];
	const sizes: { width: number; height: number }[] = [];
	let handle: number | null = null;
	const onFrame: VideoFrameRequestCallback = (now, metadata) => {
		if (frameTimes.length < MAX_FRAMES) {
			frameTimes.push(metadata.captureTime ?? metadata.expectedDisplayTime ?? now);
			const last = sizes[sizes.length - 1];
			if (!last || last.width !== metadata.width || last.height !== metadata.height)
				sizes.push({ width: metadata.width, height: metadata.height });
		}
		handle = video.requestVideoFrameCallback(onFrame);
	};
	if (typeof video.requestVideoFrameCallback === 'function')
		handle = video.requestVideoFrameCallback(onFrame);
	return {
		finish() {
			if (handle !== null) video.cancelVideoFrameCallback(handle);
			handle = null;
			return injectionSignals({
				label: track?.label ?? '',
				webdriver: navigator.webdriver === true,
				frameTimes,
				sizes
			});
		}
	};
}
