// Front camera access. Must be called from a tap (iOS Safari), and the <video> must be playsinline + muted.
import { lightMode } from './compat.ts';

export type CameraError = 'denied' | 'not_found' | 'in_use' | 'insecure' | 'unknown';

export async function openFrontCamera(video: HTMLVideoElement): Promise<MediaStream> {
	return openCamera(video, { facing: 'user', audio: false });
}

/**
 * Frame sizes asked for. The face steps work on 640x480. The card needs more: its small print, and the recapture
 * check's fine texture (a screen's pixel grid is lost at 640x480, where a screen is taken for a print).
 */
const FRAME = {
	user: { width: { ideal: 640 }, height: { ideal: 480 } },
	environment: { width: { ideal: 1920 }, height: { ideal: 1080 } }
} as const;

/**
 * The light mode's frames (src/lib/core/compat): the card's at less than half the pixels, its reading then leaning on
 * the candidate holding it closer. The face's stay at 640x480: the face checks are calibrated there, and at
 * 480x360 the e2e's genuine selfie failed the liveness continuity check.
 */
const LIGHT_FRAME = {
	user: FRAME.user,
	environment: { width: { ideal: 1280 }, height: { ideal: 720 } }
} as const;

/** The rear camera for the ID card, the front one (with the microphone for digit reading) for the face. */
export async function openCamera(
	video: HTMLVideoElement,
	options: { facing: 'user' | 'environment'; audio: boolean }
): Promise<MediaStream> {
	if (!navigator.mediaDevices?.getUserMedia)
		throw Object.assign(new Error('insecure'), { reason: 'insecure' as CameraError });
	try {
		const stream = await navigator.mediaDevices.getUserMedia({
			video: { facingMode: options.facing, ...(lightMode() ? LIGHT_FRAME : FRAME)[options.facing] },
			audio: options.audio
		});
		video.srcObject = stream;
		await video.play();
		return stream;
	} catch (error) {
		const name = (error as DOMException).name;
		const reason: CameraError =
			name === 'NotAllowedError'
				? 'denied'
				: name === 'NotFoundError'
					? 'not_found'
					: name === 'NotReadableError'
						? 'in_use'
						: 'unknown';
		throw Object.assign(new Error(reason), { reason });
	}
}

/** One canvas per grab size: a camera loop grabs 15-30 frames a second, each a new ImageData of its own. */
const grabCanvases = new Map<string, OffscreenCanvasRenderingContext2D>();

/** The video's current frame, downscaled to at most `maxWidth` pixels wide when given. */
export function grabFrame(video: HTMLVideoElement, maxWidth = Infinity): ImageData {
	const scale = Math.min(1, maxWidth / video.videoWidth);
	return grabFrameAt(video, Math.round(video.videoWidth * scale), Math.round(video.videoHeight * scale));
}

/** The video's current frame drawn at exactly width x height (a thumbnail need not keep the aspect ratio). */
export function grabFrameAt(video: HTMLVideoElement, width: number, height: number): ImageData {
	const key = `${width}x${height}`;
	let ctx = grabCanvases.get(key);
	if (!ctx) {
		ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
		grabCanvases.set(key, ctx);
	}
	ctx.drawImage(video, 0, 0, width, height);
	return ctx.getImageData(0, 0, width, height);
}

/** A camera's usual frame interval, for browsers that cannot say when a new frame arrives. */
const TYPICAL_FRAME_MS = 33;

export interface VideoFrameClock {
	/**
	 * Resolves when the video shows a frame the loop has not taken yet: at once when one arrived while the loop
	 * was busy, else on the next one, or after `stallMs` when the camera stops delivering (the loop then sees a
	 * frozen camera instead of hanging).
	 */
	next(stallMs?: number): Promise<void>;
	/**
	 * When the camera captured the frame last presented (performance.now() clock), or null when the browser does not
	 * say. A busy phone shows frames 100 ms or more after the camera took them, a lag that varies frame to frame.
	 */
	capturedAt(): number | null;
	stop(): void;
}

/**
 * Paces a camera loop by the frames the video presents, so it measures each camera frame once: measuring one frame
 * twice gives a frame-to-frame motion of exactly 0, which reads as a still picture (the live selfie failed as
 * 'still_image' once the face loop outran Chromium's 15 fps fake camera). Frames presented while the loop was
 * measuring count: waiting for the frame after them cost a slow phone a frame interval per frame (a digit-reading
 * loop spent 69 ms of every 144 ms waiting while frames it had not measured were on screen).
 */
export function videoFrameClock(video: HTMLVideoElement): VideoFrameClock {
	if (typeof video.requestVideoFrameCallback !== 'function') {
		return {
			next: () => new Promise((resolve) => setTimeout(resolve, TYPICAL_FRAME_MS)),
			capturedAt: () => null,
			stop() {}
		};
	}
	let presented = 0;
	let captured: number | null = null;
	let taken = 0;
	let wake: (() => void) | null = null;
	const onFrame: VideoFrameRequestCallback = (_now, metadata) => {
		presented = metadata.presentedFrames;
		captured = metadata.captureTime ?? null;
		wake?.();
		handle = video.requestVideoFrameCallback(onFrame);
	};
	let handle = video.requestVideoFrameCallback(onFrame);
	return {
		next(stallMs = 250) {
			if (presented > taken) {
				taken = presented;
				return Promise.resolve();
			}
			return new Promise((resolve) => {
				const done = () => {
					clearTimeout(timer);
					wake = null;
					taken = presented;
					resolve();
				};
				const timer = setTimeout(done, stallMs);
				wake = done;
			});
		},
		capturedAt: () => captured,
		stop() {
			video.cancelVideoFrameCallback(handle);
			wake?.();
		}
	};
}

export const cameraMessages: Record<CameraError, [string, string]> = {
	denied: [
		'未获得摄像头权限。请在浏览器设置中允许使用摄像头，然后重试。',
		'Camera permission was refused. Allow the camera in your browser settings and try again.'
	],
	not_found: ['没有找到摄像头。', 'No camera was found.'],
	in_use: [
		'摄像头正被其他应用使用，请关闭后重试。',
		'The camera is in use by another app; close it and try again.'
	],
	insecure: [
		'此浏览器无法使用摄像头（需要 HTTPS）。',
		'This browser cannot use the camera here (HTTPS is required).'
	],
	unknown: ['无法打开摄像头，请重试。', 'The camera could not be opened; please try again.']
};
