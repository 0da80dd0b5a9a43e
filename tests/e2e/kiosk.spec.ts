// Kiosk mode: a staff member signs in on the tablet, finds the candidate by name or ID number, the same checks run
// on the tablet with the candidate present, and the attestation is recorded as the on-site confirmation.
import { expect, test } from '@playwright/test';
import { DEMO_ID } from './support/flow.ts';
import { startOwnServer, type OwnServer } from './support/own-server.ts';
import { confirmRecord, consent, expectStatus, idCards, liveness, photo } from './support/phone.ts';

// Its own server (own admin account); the port moves with ZV_E2E_PORT so parallel runs do not meet.
const PORT = process.env.ZV_E2E_PORT ? Number(process.env.ZV_E2E_PORT) + 21 : 3231;
const PASSWORD = 'kiosk e2e password only';
let server: OwnServer;

test.beforeAll(async () => {
	server = await startOwnServer(PORT, { ZV_ADMIN_PASSWORD: PASSWORD, ZV_ADMIN_USERNAME: 'centre-admin' });
});
test.afterAll(async () => server?.stop());
test.use({ baseURL: `http://localhost:${PORT}` });

test('staff signs in, finds the candidate, runs the checks on the tablet and attests', async ({
	browser
}) => {
	const context = await browser.newContext({
		baseURL: `http://localhost:${PORT}`,
		viewport: { width: 800, height: 1280 },
		hasTouch: true,
		permissions: ['camera', 'microphone']
	});
	const tablet = await context.newPage();
	await tablet.goto('/kiosk');
	await tablet.getByLabel('用户名').fill('centre-admin');
	await tablet.getByLabel('密码').fill('wrong');
	await tablet.getByRole('button', { name: '登录' }).click();
	await expect(tablet.getByTestId('kiosk-error')).toBeVisible();
	await tablet.getByLabel('密码').fill(PASSWORD);
	await tablet.getByRole('button', { name: '登录' }).click();

	// Not by name or a prefix (a kiosk account must not list candidates), by the full ID number.
	await tablet.getByLabel('身份证号码').fill('王小');
	await tablet.getByRole('button', { name: '查找考生' }).click();
	await expect(tablet.getByRole('status')).toHaveText('未找到考生');
	await tablet.getByLabel('身份证号码').fill(DEMO_ID);
	await tablet.getByRole('button', { name: '查找考生' }).click();
	await expect(tablet.getByRole('cell', { name: '王小明', exact: true })).toBeVisible();
	await tablet.getByRole('button', { name: /开始现场核验/ }).click();

	// The same flow (Beijing) runs on the tablet.
	await consent(tablet);
	await idCards(tablet, ['portrait', 'emblem']);
	await confirmRecord(tablet);
	await photo(tablet);
	await liveness(tablet);
	await expectStatus(tablet, 'review');
	// No bundle is submitted from a kiosk: the staff member attests.
	await expect(tablet.getByRole('button', { name: '签名并提交' })).toHaveCount(0);
	await tablet.getByRole('link', { name: '工作人员确认' }).first().click();

	await expect(tablet.getByTestId('kiosk-checks')).toContainText('活体检测: 通过');
	await tablet.getByLabel('证件与本人一致，确认通过').check();
	await tablet.getByLabel('备注').fill('证件与本人一致');
	await tablet.getByLabel(/工作人员密码/).fill(PASSWORD);
	await tablet.getByRole('button', { name: '提交确认' }).click();
	await expect(tablet.getByTestId('attested')).toContainText('现场确认通过');
	await expect(tablet.getByTestId('kiosk-admission')).toHaveText(/^\d{6,}$/);

	// The candidate now shows as confirmed.
	await tablet.getByRole('button', { name: '下一位考生' }).click();
	await tablet.getByLabel('身份证号码').fill(DEMO_ID);
	await tablet.getByRole('button', { name: '查找考生' }).click();
	await expect(tablet.getByRole('row', { name: /王小明/ })).toContainText('已确认');
	await context.close();
});

test('an admin signs in on the staff page (a plain form post), lands on the review queue, then signs out', async ({
	page
}) => {
	await page.goto('/staff');
	await page.getByLabel('用户名').fill('centre-admin');
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page.getByRole('heading', { name: '人工审核队列' })).toBeVisible();
	await page.getByRole('link', { name: 'centre-admin' }).click();
	await expect(page.getByRole('heading', { name: /工作人员: centre-admin/ })).toBeVisible();
	await page.getByRole('button', { name: '退出登录' }).click();
	await expect(page.getByRole('heading', { name: '工作人员登录' })).toBeVisible();
});
