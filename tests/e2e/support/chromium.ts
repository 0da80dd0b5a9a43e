// How every test Chromium is launched: Debian's browser when present (no download here; Playwright's own on a
// user's machine), no calls home, and a fake camera (and optionally microphone) playing fixture files.
import { existsSync } from 'node:fs';

export const chromiumPath =
	process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

/** No sandbox (root in CI) and no calls home: every test browser, with or without a camera. */
export const CHROMIUM_BASE_ARGS: readonly string[] = [
	'--no-sandbox',
	'--disable-background-networking',
	'--disable-component-update',
	'--no-first-run',
	'--disable-sync',
	'--disable-quic',
	// V8 flags for a benchmark's investigation (e.g. ZV_JS_FLAGS=--trace-deopt, printed with DEBUG=pw:browser).
	...(process.env.ZV_JS_FLAGS ? [`--js-flags=${process.env.ZV_JS_FLAGS}`] : [])
];

export function chromiumArgs(cameraY4m: string, microphoneWav?: string): string[] {
	return [
		...CHROMIUM_BASE_ARGS,
		'--use-fake-device-for-media-stream',
		'--use-fake-ui-for-media-stream',
		`--use-file-for-fake-video-capture=${cameraY4m}`,
		...(microphoneWav ? [`--use-file-for-fake-audio-capture=${microphoneWav}`] : [])
	];
}
