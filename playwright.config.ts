import { defineConfig, devices } from '@playwright/test';
import { cameraClipY4m } from './tests/e2e/support/camera.ts';
import { chromiumArgs, chromiumPath } from './tests/e2e/support/chromium.ts';
import { E2E_SERVER_ENV } from './tests/e2e/support/server-env.ts';
import { e2eFixtures } from './tests/e2e/support/spec-gate.ts';

const port = Number(process.env.ZV_E2E_PORT ?? 3210);
// Every worker loads this file too; only the runner says it, once.
if (e2eFixtures.notice && process.env.TEST_WORKER_INDEX === undefined) console.warn(e2eFixtures.notice);
export default defineConfig({
	testDir: 'tests/e2e',
	testIgnore: e2eFixtures.exclude,
	globalSetup: './tests/e2e/support/global-setup.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 120_000,
	reporter: [['list']],
	use: {
		baseURL: `http://localhost:${port}`,
		trace: 'retain-on-failure',
		launchOptions: { executablePath: chromiumPath, args: chromiumArgs(cameraClipY4m()) }
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
	webServer: {
		command: `node tests/e2e/support/start-server.mjs`,
		port,
		reuseExistingServer: false,
		timeout: 120_000,
		env: { PORT: String(port), ...E2E_SERVER_ENV }
	}
});
