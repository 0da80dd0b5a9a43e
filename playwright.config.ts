import { defineConfig, devices } from '@playwright/test';
import { existsSync } from 'node:fs';
import { cameraClipY4m } from './tests/e2e/support/camera.ts';

const port = Number(process.env.ZV_E2E_PORT ?? 3210);
// Debian's Chromium when present (no browser download here); Playwright's own browser on a user's machine.
const executablePath =
	process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
	testDir: 'tests/e2e',
	globalSetup: './tests/e2e/support/global-setup.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 120_000,
	reporter: [['list']],
	use: {
		baseURL: `http://localhost:${port}`,
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath,
			args: [
				'--no-sandbox',
				'--disable-background-networking',
				'--disable-component-update',
				'--no-first-run',
				'--disable-sync',
				'--disable-quic',
				'--use-fake-device-for-media-stream',
				'--use-fake-ui-for-media-stream',
				`--use-file-for-fake-video-capture=${cameraClipY4m()}`
			]
		}
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
	webServer: {
		command: `node tests/e2e/support/start-server.mjs`,
		port,
		reuseExistingServer: false,
		timeout: 120_000,
		env: { PORT: String(port), ZV_E2E: '1' }
	}
});
