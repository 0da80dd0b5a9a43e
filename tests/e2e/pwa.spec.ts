// Installability (Lighthouse no longer audits it): a valid manifest with 192/512 px icons, start_url and
// display standalone, and a service worker that controls the page and serves it offline.
import { expect, test } from '@playwright/test';

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
