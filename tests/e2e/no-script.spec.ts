// Forms must work before the page's script has loaded (a slow phone or PC taps at once) and without it: the
// browser then posts the form itself, and the server's cross-site check must still see our own origin.
import { expect, test } from '@playwright/test';
import { DEMO_IDS, codeFromOutbox, phoneOnRecord } from './support/flow.ts';

test.use({ javaScriptEnabled: false });

test('the PC signs in and shows the QR code without its script: the plain form posts are accepted', async ({
	page
}) => {
	await page.goto('/pc');
	const phone = phoneOnRecord(DEMO_IDS.hubei);
	await page.getByLabel('身份证号码').fill(DEMO_IDS.hubei);
	await page.getByLabel('报名时填写的手机号码').fill(phone);
	await page.getByRole('button', { name: '获取短信验证码' }).click();
	await expect(page.getByTestId('code-sent')).toBeVisible();
	await page.getByLabel('短信验证码').fill(await codeFromOutbox(page.request, phone));
	await page.getByRole('button', { name: '登录并生成二维码' }).click();
	await expect(page.getByRole('img', { name: '手机身份确认链接二维码' })).toBeVisible();
	await expect(page.getByTestId('phone-link')).toHaveAttribute('href', /\/m\//);
});

test('staff sign-in without script: a wrong password is answered by the form, not refused as cross-site', async ({
	page
}) => {
	await page.goto('/staff');
	await page.getByLabel('用户名').fill('nobody');
	await page.getByLabel('密码').fill('wrong password');
	const [response] = await Promise.all([
		page.waitForResponse((r) => r.request().method() === 'POST'),
		page.getByRole('button', { name: /登录/ }).click()
	]);
	expect(response.status()).not.toBe(403);
	await expect(page.getByRole('alert')).toBeVisible();
});

test('the start page: a province chosen without script shows its sign-in (Fujian: the registration site on a PC)', async ({
	page
}) => {
	await page.goto('/');
	await page.getByRole('button', { name: '福建省' }).click();
	await expect(page.getByTestId('sign-in-options')).toContainText('请在电脑上登录报名网站');
	await expect(page.getByRole('button', { name: '福建省' })).toHaveAttribute('aria-pressed', 'true');
	await page.getByRole('button', { name: '北京市' }).click();
	await expect(page.getByRole('link', { name: '用手机号和短信验证码登录' })).toBeVisible();
});
