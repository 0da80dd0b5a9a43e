// The registration site says how long the QR code's phone link lasts: the deployment's lifetime
// (ZV_PHONE_LINK_TTL_MIN), not the default's 15 minutes, on a server of its own started with another.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { registerCandidate, signInWithCode } from './support/flow.ts';
import { startOwnServer } from './support/own-server.ts';
import { REGISTRATION_TOKEN } from './support/server-env.ts';

const PORT = Number(process.env.ZV_E2E_PORT ?? 3210) + 1;

test("the QR code's text names the phone link's configured lifetime", async ({ browser }) => {
	test.setTimeout(180_000);
	const server = await startOwnServer(PORT, {
		ZV_DATA_DIR: mkdtempSync(join(tmpdir(), 'zv-e2e-link-ttl-')),
		ZV_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
		ZV_DEV_PAGES: '1',
		ZV_PHONE_LINK_TTL_MIN: '25'
	});
	try {
		const context = await browser.newContext({ baseURL: server.url });
		const pc = await context.newPage();
		const id = await registerCandidate(context.request, 'hubei', Math.floor(Math.random() * 1e9));
		await pc.goto('/pc');
		await signInWithCode(pc, id, '登录并生成二维码');
		await expect(pc.getByRole('img', { name: '手机身份确认链接二维码' })).toBeVisible();
		await expect(pc.getByText('二维码只能使用一次，25分钟内有效。')).toBeVisible();
		await context.close();
	} finally {
		await server.stop();
	}
});
