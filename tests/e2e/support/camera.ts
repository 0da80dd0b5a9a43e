// The fake camera plays a y4m file; clips come from ../shared/fixtures and are converted with ffmpeg.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixtures = process.env.ZV_FIXTURES ?? resolve(root, '..', 'shared', 'fixtures');
export const e2eCacheDir = join(root, '.cache', 'e2e');

/** The clip the default browser's camera plays: ZV_CAMERA_CLIP, or a live selfie from the fixtures. */
export function defaultCameraClip(): string {
	return process.env.ZV_CAMERA_CLIP ?? join(fixtures, 'clips', 'live_blink_selfie_480x640_15fps.mjpeg');
}

export function cameraClipY4m(clip = defaultCameraClip()): string {
	return join(e2eCacheDir, `${basename(clip).replace(/\.[^.]+$/, '')}.y4m`);
}

/** Converts a clip (mjpeg at the rate in its name, mp4, or a still image) to y4m once. */
export function convertClip(clip = defaultCameraClip(), seconds = 12): string {
	const out = cameraClipY4m(clip);
	if (existsSync(out) && statSync(out).mtimeMs > statSync(clip).mtimeMs) return out;
	mkdirSync(e2eCacheDir, { recursive: true });
	const fps = /_(\d+)fps/.exec(clip)?.[1] ?? '15';
	const input = clip.endsWith('.mjpeg')
		? ['-framerate', fps, '-f', 'mjpeg', '-i', clip]
		: /\.(jpe?g|png)$/i.test(clip)
			? ['-loop', '1', '-framerate', '15', '-i', clip]
			: ['-i', clip];
	execFileSync(
		'ffmpeg',
		[
			'-y',
			'-loglevel',
			'error',
			...input,
			'-t',
			String(seconds),
			'-r',
			'15',
			'-vf',
			'scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p',
			'-f',
			'yuv4mpegpipe',
			out
		],
		{ stdio: 'inherit' }
	);
	return out;
}

/**
 * Another picture of the man the default camera clip plays: a frame of the source video 11 s in, after the 8 s the
 * clip holds (so never a frame the phone sends). Fujian's confirmable candidates carry it as their approved photo.
 */
export function cameraPersonPhoto(): string {
	const source = join(fixtures, 'clips', 'live_blink_selfie.mp4');
	const out = join(e2eCacheDir, 'live_blink_selfie_11s.jpg');
	if (existsSync(out) && statSync(out).mtimeMs > statSync(source).mtimeMs) return out;
	mkdirSync(e2eCacheDir, { recursive: true });
	execFileSync(
		'ffmpeg',
		['-y', '-loglevel', 'error', '-ss', '11', '-i', source, '-frames:v', '1', '-q:v', '3', out],
		{
			stdio: 'inherit'
		}
	);
	return out;
}
