// Installability (Lighthouse no longer audits it): a valid manifest with 192/512 px icons, start_url and
// display standalone, and a service worker that controls the page and serves it offline, and that keeps no page the
// server marks no-store (a reviewer's case with a candidate's full record, on a shared office browser).
import { chromium, expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumPath } from './support/chromium.ts';
import { startOwnServer } from './support/own-server.ts';

const PORT = Number(process.env.ZV_E2E_PORT ?? 3210) + 1;

function pngSize(bytes: Buffer): [number, number] {
	expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
	return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

test('manifest and icons are valid for installation', async ({ page, request }) => {
	await page.goto('/');
	const href = await page.locator('link[rel="manifest"]').getAttribute('href');
	const manifest = await (await request.get(new URL(href!, page.url()).toString())).json();
	expect(manifest.name).toBeTruthy();
	expect(manifest.short_name).toBeTruthy();
	expect(manifest.start_url).toBe('/');
	expect(manifest.display).toBe('standalone');
	expect(manifest.lang).toBe('zh-CN');
	for (const size of [192, 512]) {
		const icon = manifest.icons.find((i: { sizes: string }) => i.sizes === `${size}x${size}`);
		expect(icon?.type).toBe('image/png');
		const bytes = await (await request.get(icon.src)).body();
		expect(pngSize(bytes)).toEqual([size, size]);
	}
});

test('the service worker controls the page and serves it offline', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto('/');
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
	await page.reload();
	expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

	await context.setOffline(true);
	await page.reload();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('网上报名身份确认');
	await context.close();
});

test('the service worker keeps no staff page, and drops those an earlier worker kept', async () => {
	const admin = { username: 'pwa-admin', password: 'pwa e2e admin password' };
	const server = await startOwnServer(PORT, {
		ZV_ADMIN_USERNAME: admin.username,
		ZV_ADMIN_PASSWORD: admin.password
	});
	// One browser profile opened twice: first with no service worker, to plant what an earlier one left.
	const profile = mkdtempSync(join(tmpdir(), 'zv-e2e-sw-'));
	const open = (serviceWorkers: 'allow' | 'block') =>
		chromium.launchPersistentContext(profile, { executablePath: chromiumPath, serviceWorkers });
	const pageCache = (page: Page) =>
		page.evaluate(async () =>
			(await (await caches.open('zv-pages')).keys()).map((request) => new URL(request.url).pathname)
		);
	try {
		// An earlier worker kept a case page although the server said no-store.
		const before = await open('block');
		const first = await before.newPage();
		await first.goto(`${server.url}/`);
		await first.evaluate(async () => {
			const headers = { 'content-type': 'text/html', 'cache-control': 'no-store' };
			const cache = await caches.open('zv-pages');
			await cache.put('/staff/review/1', new Response('<p>420102199001010011</p>', { headers }));
		});
		expect(await pageCache(first)).toEqual(['/staff/review/1']);
		await before.close();

		const context = await open('allow');
		const page = await context.newPage();
		await page.goto(`${server.url}/`);
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		await page.reload();
		expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
		await page.goto(`${server.url}/staff`);
		await page.getByLabel('用户名').fill(admin.username);
		await page.getByLabel('密码').fill(admin.password);
		await page.getByRole('button', { name: /登录/ }).click();
		await expect(page).toHaveURL(/\/staff\/review/);
		for (const path of ['/staff', '/staff/accounts', '/staff/photos', '/staff/review'])
			expect((await page.goto(`${server.url}${path}`))?.status()).toBe(200);

		// The candidate's start page is kept (a phone reloads it offline); no staff page is.
		const kept = await pageCache(page);
		expect(kept).toContain('/');
		expect(kept.filter((path) => path.startsWith('/staff'))).toEqual([]);
		await context.close();
	} finally {
		await server.stop();
		rmSync(profile, { recursive: true, force: true });
	}
});
