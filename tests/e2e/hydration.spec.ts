// What a person types before the page's script has run must survive hydration: a one-way `value` was written back
// over it, and the PC form then refused to submit an empty ID number (the first test of a CI run hit this).
import { expect, test } from '@playwright/test';
import { DEMO_IDS, codeFromOutbox, phoneOnRecord } from './support/flow.ts';

test('an ID number and phone number typed before the PC page hydrates are kept and sign in', async ({
	page
}) => {
	// The app's entry is held back until the numbers are typed into the server-rendered form.
	let release!: () => void;
	const held = new Promise<void>((resolve) => (release = resolve));
	let entryRequested = false;
	await page.route('**/_app/immutable/entry/app.*.js', async (route) => {
		entryRequested = true;
		await held;
		await route.continue();
	});
	await page.goto('/pc', { waitUntil: 'domcontentloaded' });
	const phone = phoneOnRecord(DEMO_IDS.hubei);
	await page.getByLabel('身份证号码').fill(DEMO_IDS.hubei);
	await page.getByLabel('报名时填写的手机号码').fill(phone);
	expect(entryRequested).toBe(true);
	release();
	await page.waitForLoadState('networkidle');
	await expect(page.getByLabel('身份证号码')).toHaveValue(DEMO_IDS.hubei);
	await expect(page.getByLabel('报名时填写的手机号码')).toHaveValue(phone);
	await page.getByRole('button', { name: '获取短信验证码' }).click();
	await expect(page.getByTestId('code-sent')).toContainText('138****8002');
	await page.getByLabel('短信验证码').fill(await codeFromOutbox(page.request, phone));
	await page.getByRole('button', { name: '登录并生成二维码' }).click();
	await expect(page.getByRole('img', { name: '手机身份确认链接二维码' })).toBeVisible();
});
