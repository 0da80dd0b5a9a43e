// How every test Chromium is launched: Debian's browser when present (no download here; Playwright's own on a
// user's machine), no calls home, and a fake camera (and optionally microphone) playing fixture files.
import { existsSync } from 'node:fs';

export const chromiumPath =
	process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export function chromiumArgs(cameraY4m: string, microphoneWav?: string): string[] {
	return [
		'--no-sandbox',
		'--disable-background-networking',
		'--disable-component-update',
		'--no-first-run',
		'--disable-sync',
		'--disable-quic',
		'--use-fake-device-for-media-stream',
		'--use-fake-ui-for-media-stream',
		`--use-file-for-fake-video-capture=${cameraY4m}`,
		...(microphoneWav ? [`--use-file-for-fake-audio-capture=${microphoneWav}`] : [])
	];
}
