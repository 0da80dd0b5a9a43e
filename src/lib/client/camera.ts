// Front camera access. Must be called from a tap (iOS Safari), and the <video> must be playsinline + muted.

export type CameraError = 'denied' | 'not_found' | 'in_use' | 'insecure' | 'unknown';

export async function openFrontCamera(video: HTMLVideoElement): Promise<MediaStream> {
	return openCamera(video, { facing: 'user', audio: false });
}

/** The rear camera for the ID card, the front one (with the microphone for digit reading) for the face. */
export async function openCamera(
	video: HTMLVideoElement,
	options: { facing: 'user' | 'environment'; audio: boolean }
): Promise<MediaStream> {
	if (!navigator.mediaDevices?.getUserMedia)
		throw Object.assign(new Error('insecure'), { reason: 'insecure' as CameraError });
	try {
		const stream = await navigator.mediaDevices.getUserMedia({
			video: { facingMode: options.facing, width: { ideal: 640 }, height: { ideal: 480 } },
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

export function grabFrame(video: HTMLVideoElement): ImageData {
	const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
	const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
	ctx.drawImage(video, 0, 0);
	return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

/** A camera's usual frame interval, for browsers that cannot say when a new frame arrives. */
const TYPICAL_FRAME_MS = 33;

/**
 * Resolves when the video shows a frame it has not shown before, so a loop faster than the camera measures each
 * frame once: measuring one frame twice gives a frame-to-frame motion of exactly 0, which reads as a still picture
 * (it made the live selfie fail as 'still_image' once the face loop outran Chromium's 15 fps fake camera). Also
 * resolves after `stallMs` when the camera stops delivering, so the loop sees a frozen camera instead of hanging.
 */
export function nextVideoFrame(video: HTMLVideoElement, stallMs = 250): Promise<void> {
	if (typeof video.requestVideoFrameCallback !== 'function')
		return new Promise((resolve) => setTimeout(resolve, TYPICAL_FRAME_MS));
	return new Promise((resolve) => {
		const handle = video.requestVideoFrameCallback(() => {
			clearTimeout(timer);
			resolve();
		});
		const timer = setTimeout(() => {
			video.cancelVideoFrameCallback(handle);
			resolve();
		}, stallMs);
	});
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
