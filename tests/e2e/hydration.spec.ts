// What a person types before the page's script has run must survive hydration: a one-way `value` was written back
// over it, and the PC form then refused to submit an empty ID number (the first test of a CI run hit this).
import { expect, test } from '@playwright/test';
import { DEMO_IDS } from './support/flow.ts';

test('an ID number typed before the PC page hydrates is kept and gets its QR code', async ({ page }) => {
	// The app's entry is held back until the number is typed into the server-rendered form.
	let release!: () => void;
	const held = new Promise<void>((resolve) => (release = resolve));
	let entryRequested = false;
	await page.route('**/_app/immutable/entry/app.*.js', async (route) => {
		entryRequested = true;
		await held;
		await route.continue();
	});
	await page.goto('/pc', { waitUntil: 'domcontentloaded' });
	await page.getByLabel('身份证号码').fill(DEMO_IDS.fujian);
	expect(entryRequested).toBe(true);
	release();
	await page.waitForLoadState('networkidle');
	await expect(page.getByLabel('身份证号码')).toHaveValue(DEMO_IDS.fujian);
	await page.getByRole('button', { name: '生成手机扫码二维码' }).click();
	await expect(page.getByRole('img', { name: '手机身份确认链接二维码' })).toBeVisible();
});
