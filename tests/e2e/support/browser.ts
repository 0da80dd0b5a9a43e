// A second Chromium whose fake camera plays another fixture clip (the default browser plays the live selfie).
import { chromium, type Browser } from '@playwright/test';
import { existsSync } from 'node:fs';
import { convertClip } from './camera.ts';

export async function browserWithClip(clip: string): Promise<Browser> {
	const y4m = convertClip(clip);
	return chromium.launch({
		executablePath:
			process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined),
		args: [
			'--no-sandbox',
			'--disable-background-networking',
			'--disable-component-update',
			'--no-first-run',
			'--disable-sync',
			'--disable-quic',
			'--use-fake-device-for-media-stream',
			'--use-fake-ui-for-media-stream',
			`--use-file-for-fake-video-capture=${y4m}`
		]
	});
}
