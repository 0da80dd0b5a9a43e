// A reviewer turns an authenticator code on from /staff (the QR code and the key as text), signs out, and from then
// on signs in with the password and a code: the password alone is refused with the same message as a wrong one. Its
// phone lost, an admin turns the code off on the accounts page and the password alone signs in again. axe finds no
// serious issue on the set-up page.
import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { totpAt, totpStep } from '../../src/lib/server/totp.ts';
import { startOwnServer, type OwnServer } from './support/own-server.ts';

const PORT = Number(process.env.ZV_E2E_PORT ?? 3210) + 1;
const ADMIN = { username: 'factor-admin', password: 'second factor e2e admin password' };
const REVIEWER = { username: 'factor-reviewer', password: 'second factor reviewer password' };

let server: OwnServer;

test.beforeEach(async () => {
	server = await startOwnServer(PORT, {
		ZV_DATA_DIR: mkdtempSync(join(tmpdir(), 'zv-e2e-factor-')),
		ZV_ADMIN_PASSWORD: ADMIN.password,
		ZV_ADMIN_USERNAME: ADMIN.username
	});
});
test.afterEach(() => server?.stop());

async function fillSignIn(page: Page, who: { username: string; password: string }, code = '') {
	await page.goto(`${server.url}/staff`);
	await page.getByLabel('用户名').fill(who.username);
	await page.getByLabel('密码', { exact: true }).fill(who.password);
	if (code) await page.getByLabel(/动态验证码/).fill(code);
	await page.getByRole('button', { name: '登录', exact: true }).click();
}

test('a reviewer sets up an authenticator code on /staff, then signs in with the password and a code', async ({
	page
}) => {
	await fillSignIn(page, ADMIN);
	await page.waitForURL(/\/staff\//);
	const created = await page.request.post(`${server.url}/api/staff/users`, {
		data: { ...REVIEWER, role: 'reviewer', province: 'hubei' }
	});
	expect(created.status(), await created.text()).toBe(201);
	await page.context().clearCookies();

	await fillSignIn(page, REVIEWER);
	await page.waitForURL(/\/staff\/review/);
	await page.goto(`${server.url}/staff`);
	await page.getByRole('button', { name: '设置动态验证码' }).click();
	await expect(page.getByRole('img', { name: '动态验证码设置二维码' })).toBeVisible();
	const shown = await page.getByTestId('totp-secret').textContent();
	expect(shown).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
	const secret = shown!.replace(/ /g, '');
	const axe = await new AxeBuilder({ page }).analyze();
	expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
	const confirm = page.locator('form[action="?/secondFactorConfirm"]');
	await confirm.getByLabel('动态验证码').fill(totpAt(secret, totpStep(new Date())));
	await confirm.getByLabel('当前密码').fill(REVIEWER.password);
	await confirm.getByRole('button', { name: '启用动态验证码' }).click();
	await expect(page.getByText('已启用动态验证码', { exact: true })).toBeVisible();
	await page.getByRole('button', { name: '退出登录' }).click();

	await fillSignIn(page, REVIEWER);
	await expect(page.getByRole('alert')).toHaveText('用户名、密码或动态验证码错误');
	// The code of the step after the one that turned it on: a code is taken once.
	await fillSignIn(page, REVIEWER, totpAt(secret, totpStep(new Date()) + 1));
	await page.waitForURL(/\/staff\/review/);
	await expect(page.getByRole('heading', { name: /人工审核/ })).toBeVisible();

	// The phone is lost: an admin turns the code off on the accounts page, and the password alone signs in again.
	await page.context().clearCookies();
	await fillSignIn(page, ADMIN);
	await page.waitForURL(/\/staff\//);
	await page.goto(`${server.url}/staff/accounts`);
	const row = page.locator(`tr[data-username="${REVIEWER.username}"]`);
	await expect(row).toContainText('动态验证码已启用');
	await row.getByRole('button', { name: /停用动态验证码/ }).click();
	await expect(page.getByText(`账号 ${REVIEWER.username} 已更新`)).toBeVisible();
	await expect(row).not.toContainText('动态验证码已启用');
	await page.context().clearCookies();
	await fillSignIn(page, REVIEWER);
	await page.waitForURL(/\/staff\/review/);
});
