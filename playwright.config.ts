import { defineConfig, devices } from '@playwright/test';
import { cameraClipY4m } from './tests/e2e/support/camera.ts';
import { chromiumArgs, chromiumPath } from './tests/e2e/support/chromium.ts';
import { REGISTRATION_TOKEN } from './tests/e2e/support/server-env.ts';

const port = Number(process.env.ZV_E2E_PORT ?? 3210);
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
		launchOptions: { executablePath: chromiumPath, args: chromiumArgs(cameraClipY4m()) }
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
	webServer: {
		command: `node tests/e2e/support/start-server.mjs`,
		port,
		reuseExistingServer: false,
		timeout: 120_000,
		// The development outbox shows the sign-in codes; sign-in limits are raised for one address signing in the
		// demo candidates dozens of times an hour, and a resend waits 3 s.
		env: {
			PORT: String(port),
			ZV_E2E: '1',
			ZV_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
			ZV_DEV_PAGES: '1',
			ZV_SIGNIN_PER_ADDRESS_HOUR: '10000',
			ZV_SIGNIN_CODES_PER_HOUR: '1000',
			ZV_SESSION_STARTS_PER_HOUR: '1000',
			ZV_SMS_RESEND_SECONDS: '3'
		}
	}
});
