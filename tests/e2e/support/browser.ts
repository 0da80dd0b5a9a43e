// A second Chromium whose fake camera plays another fixture clip (the default browser plays the live selfie).
import { chromium, type Browser } from '@playwright/test';
import { join } from 'node:path';
import { convertClip, defaultCameraClip } from './camera.ts';
import { chromiumArgs, chromiumPath } from './chromium.ts';
import { fixturesDir as fixtures } from '../../support/fixtures.ts';
import { installSpeakerStream, speakerTake } from './speaker-stream.ts';

/** A GRID speaker's take (../shared/fixtures/clips/grid_<code>_640x480_25fps.mjpeg). */
export const speakerClip = (code: string) => join(fixtures, 'clips', `grid_${code}_640x480_25fps.mjpeg`);

/** The clip each browser's fake camera plays: the ID card a test prints shows that person's face. */
const clips = new WeakMap<Browser, string>();

export function cameraClipOf(browser: Browser | null): string {
	return (browser && clips.get(browser)) ?? defaultCameraClip();
}

/** `seconds`: how long a still image plays as a clip; `fps`: the camera's frame rate (15 unless slower). */
export async function browserWithClip(clip: string, seconds?: number, fps?: number): Promise<Browser> {
	const y4m = convertClip(clip, seconds, fps);
	const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs(y4m) });
	clips.set(browser, clip);
	return browser;
}

/**
 * A Chromium whose front camera and microphone play a GRID speaker's take (../shared/fixtures/clips/
 * grid_<code>_640x480_25fps.mjpeg and grid_<code>.wav) from one clock (speaker-stream.ts): a candidate reading aloud,
 * for digit-reading liveness. The fake camera (the rear one here) plays the same take.
 */
export async function browserWithSpeaker(code: string): Promise<Browser> {
	const clip = speakerClip(code);
	const wav = join(fixtures, 'clips', `grid_${code}.wav`);
	const browser = await chromium.launch({
		executablePath: chromiumPath,
		// The take's sound starts with the camera, before any tap on the page.
		args: [...chromiumArgs(convertClip(clip), wav), '--autoplay-policy=no-user-gesture-required']
	});
	const take = speakerTake(clip, wav);
	const newContext = browser.newContext.bind(browser);
	browser.newContext = async (options) => {
		const context = await newContext(options);
		await context.addInitScript(installSpeakerStream, take);
		return context;
	};
	clips.set(browser, clip);
	return browser;
}
