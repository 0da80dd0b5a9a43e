// The fake camera plays a y4m file; clips come from ../shared/fixtures and are converted with ffmpeg.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturesDir as fixtures } from '../../support/fixtures.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const e2eCacheDir = join(root, '.cache', 'e2e');

/** The clip the default browser's camera plays: ZV_CAMERA_CLIP, or a live selfie from the fixtures. */
export function defaultCameraClip(): string {
	return process.env.ZV_CAMERA_CLIP ?? join(fixtures, 'clips', 'live_blink_selfie_480x640_15fps.mjpeg');
}

/** The frame rate the fake camera plays clips at unless a test asks for a slower camera. */
const CAMERA_FPS = 15;

export function cameraClipY4m(clip = defaultCameraClip(), fps = CAMERA_FPS): string {
	const rate = fps === CAMERA_FPS ? '' : `_at_${fps}fps`;
	return join(e2eCacheDir, `${basename(clip).replace(/\.[^.]+$/, '')}${rate}.y4m`);
}

/**
 * Converts a clip (mjpeg at the rate in its name, mp4, or a still image) to y4m once. Chromium's fake camera
 * delivers frames at the rate the y4m header names, so `fps` below the clip's own makes a slow camera: frames are
 * dropped, not slowed, and a blink lasts as long as it did in the clip.
 */
export function convertClip(clip = defaultCameraClip(), seconds = 12, fps = CAMERA_FPS): string {
	const out = cameraClipY4m(clip, fps);
	if (existsSync(out) && statSync(out).mtimeMs > statSync(clip).mtimeMs) return out;
	mkdirSync(e2eCacheDir, { recursive: true });
	const clipFps = /_(\d+)fps/.exec(clip)?.[1] ?? '15';
	const input = clip.endsWith('.mjpeg')
		? ['-framerate', clipFps, '-f', 'mjpeg', '-i', clip]
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
			String(fps),
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
export const cameraPersonPhoto = () => referencePhotoOf();

/**
 * A reference photo of the person a clip plays, as the office holds it: for the default clip the frame 11 s into
 * its source video; for a GRID speaker's take a frame 1.5 s in (the takes are 3 s; their source is not a fixture).
 */
export function referencePhotoOf(clip = defaultCameraClip()): string {
	const name = basename(clip).replace(/\.[^.]+$/, '');
	return clip === defaultCameraClip()
		? frameOf(join(fixtures, 'clips', 'live_blink_selfie.mp4'), ['-ss', '11'], 'live_blink_selfie_11s.jpg')
		: frameOf(clip, ['-ss', '1.5', '-f', 'mjpeg'], `${name}_reference.jpg`);
}

/** One frame of a video into the e2e cache, extracted once. */
function frameOf(source: string, inputOptions: string[], name: string, filter: string[] = []): string {
	const out = join(e2eCacheDir, name);
	if (existsSync(out) && statSync(out).mtimeMs > statSync(source).mtimeMs) return out;
	mkdirSync(e2eCacheDir, { recursive: true });
	execFileSync(
		'ffmpeg',
		[
			'-y',
			'-loglevel',
			'error',
			...inputOptions,
			'-i',
			source,
			...filter,
			'-frames:v',
			'1',
			'-q:v',
			'2',
			out
		],
		{ stdio: 'inherit' }
	);
	return out;
}

/**
 * A compliant registration photo of the person a camera clip plays, made by `zv photo make` (the phone's own
 * pipeline, in Node) from a frame the clip never plays to the phone. The default clip's man: a frame of the source
 * video 9 s in (the clip holds the first 8 s; eyes open there). Another clip (a GRID speaker): its last frame,
 * sharpened as a phone camera's processing does (the 640x480 takes are too soft for the photo's sharpness rule).
 * Genuine flows upload it, so the photo, the card portrait and the live face are one person, as for a candidate.
 */
export function registrationPhotoOf(clip = defaultCameraClip()): string {
	const name = basename(clip).replace(/\.[^.]+$/, '');
	const out = join(e2eCacheDir, `${name}_registration.jpg`);
	if (existsSync(out) && statSync(out).mtimeMs > statSync(clip).mtimeMs) return out;
	const frame =
		clip === defaultCameraClip()
			? frameOf(join(fixtures, 'clips', 'live_blink_selfie.mp4'), ['-ss', '9'], 'live_blink_selfie_9s.jpg')
			: frameOf(clip, ['-sseof', '-0.5', '-f', 'mjpeg'], `${name}_last.jpg`, ['-vf', 'unsharp=5:5:1.0']);
	// zv exits non-zero when the made photo breaks a rule: the run stops here rather than on a confusing screen.
	execFileSync(process.execPath, ['src/cli/zv.mjs', 'photo', 'make', frame, '-o', out], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit']
	});
	return out;
}
