// A second Chromium whose fake camera plays another fixture clip (the default browser plays the live selfie).
import { chromium, type Browser } from '@playwright/test';
import { join, resolve } from 'node:path';
import { convertClip } from './camera.ts';
import { chromiumArgs, chromiumPath } from './chromium.ts';

export async function browserWithClip(clip: string, seconds?: number): Promise<Browser> {
	const y4m = convertClip(clip, seconds);
	return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs(y4m) });
}

/**
 * A Chromium whose fake camera plays a GRID speaker (../shared/fixtures/clips/grid_<code>_640x480_25fps.mjpeg) and
 * whose fake microphone plays the same take's audio: a candidate reading aloud, for digit-reading liveness.
 */
export async function browserWithSpeaker(code = 'bbaf2n'): Promise<Browser> {
	const fixtures =
		process.env.ZV_FIXTURES ?? resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'fixtures');
	const y4m = convertClip(join(fixtures, 'clips', `grid_${code}_640x480_25fps.mjpeg`));
	return chromium.launch({
		executablePath: chromiumPath,
		args: chromiumArgs(y4m, join(fixtures, 'clips', `grid_${code}.wav`))
	});
}
