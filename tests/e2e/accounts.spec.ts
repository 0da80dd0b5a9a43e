// The admin's accounts page: a Hubei admin creates a kiosk account for an exam centre's tablet with a generated
// password, the tablet signs in; the admin disables it and the tablet's kiosk page asks for a sign-in again; a refusal
// (a taken username) is shown in place with what was typed kept. A national admin moves a reviewer to another
// province. axe finds no serious issue; the page reads in English after the switch. A reviewer changes their own
// password, which signs out their other browser; an admin hands a forgotten one over.
import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startOwnServer, type OwnServer } from './support/own-server.ts';

const PORT = Number(process.env.ZV_E2E_PORT ?? 3210) + 1;
const ADMIN = { username: 'accounts-admin', password: 'accounts e2e admin password' };

let server: OwnServer;

test.beforeEach(async () => {
	const dataDir = mkdtempSync(join(tmpdir(), 'zv-e2e-accounts-'));
	server = await startOwnServer(PORT, {
		ZV_DATA_DIR: dataDir,
		ZV_ADMIN_PASSWORD: ADMIN.password,
		ZV_ADMIN_USERNAME: ADMIN.username
	});
});
test.afterEach(() => server?.stop());

async function signIn(page: Page, who: { username: string; password: string }) {
	await page.goto(`${server.url}/staff`);
	await page.getByLabel('用户名').fill(who.username);
	await page.getByLabel('密码').fill(who.password);
	await page.getByRole('button', { name: /登录/ }).click();
	await page.waitForURL(/\/(staff|kiosk)\//);
}

test('a province admin creates a kiosk account, the tablet signs in, and disabling it signs the tablet out', async ({
	page,
	browser
}) => {
	test.setTimeout(180_000);
	await signIn(page, ADMIN);
	const created = await page.request.post(`${server.url}/api/staff/users`, {
		data: { username: 'hubei-admin', role: 'admin', province: 'hubei', password: 'hubei admin password' }
	});
	expect(created.status(), await created.text()).toBe(201);
	await page.context().clearCookies();
	await signIn(page, { username: 'hubei-admin', password: 'hubei admin password' });
	await page.goto(`${server.url}/staff`);
	await page.getByRole('link', { name: /账号管理/ }).click();
	await expect(page.getByRole('heading', { name: '账号管理' })).toBeVisible();
	await expect(page.getByText('本省账号：湖北省')).toBeVisible();
	// A province admin gives its own province only: no other province is offered.
	await expect(page.getByLabel('省份').locator('option')).toHaveText(['湖北省']);

	await page.getByLabel('用户名').fill('wuhan-centre-01');
	await page.getByLabel('角色').selectOption('kiosk');
	await page.getByRole('button', { name: '生成随机密码' }).click();
	const password = await page.getByLabel('密码').inputValue();
	expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
	await page.getByRole('button', { name: '创建账号' }).click();
	await expect(page.getByText('已创建账号 wuhan-centre-01')).toBeVisible();
	const row = page.locator('tr[data-username="wuhan-centre-01"]');
	await expect(row).toContainText('现场确认终端');
	await expect(row).toContainText('启用');

	const tablet = await browser.newPage();
	await tablet.goto(`${server.url}/staff`);
	await tablet.getByLabel('用户名').fill('wuhan-centre-01');
	await tablet.getByLabel('密码').fill(password);
	await tablet.getByRole('button', { name: /登录/ }).click();
	await tablet.waitForURL(/\/staff\//);
	await tablet.goto(`${server.url}/kiosk`);
	await expect(tablet.getByRole('heading', { name: '现场确认' })).toBeVisible();
	await expect(tablet.getByRole('heading', { name: '工作人员登录' })).toHaveCount(0);

	// The same username again: refused in place, the name kept for correction.
	await page.getByLabel('用户名').fill('wuhan-centre-01');
	await page.getByLabel('密码').fill('another long password');
	await page.getByRole('button', { name: '创建账号' }).click();
	await expect(page.getByRole('alert')).toHaveText('用户名已存在');
	await expect(page.getByLabel('用户名')).toHaveValue('wuhan-centre-01');

	await row.getByRole('button', { name: '停用' }).click();
	await expect(row).toContainText('已停用');
	await expect(page.getByText('账号 wuhan-centre-01 已更新')).toBeVisible();
	await tablet.goto(`${server.url}/kiosk`);
	// The kiosk page asks for a sign-in again.
	await expect(tablet.getByRole('heading', { name: '工作人员登录' })).toBeVisible();

	const axe = await new AxeBuilder({ page }).analyze();
	expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
	await page.getByRole('button', { name: /English/ }).click();
	await expect(page.getByRole('heading', { name: 'Staff accounts' })).toBeVisible();
	await expect(row).toContainText('Disabled');
});

test('the national admin moves a reviewer to another province', async ({ page }) => {
	test.setTimeout(120_000);
	await signIn(page, ADMIN);
	const created = await page.request.post(`${server.url}/api/staff/users`, {
		data: { username: 'moving-reviewer', role: 'reviewer', province: 'hubei', password: 'moving reviewer pw' }
	});
	expect(created.status(), await created.text()).toBe(201);
	await page.goto(`${server.url}/staff/accounts`);
	await expect(page.getByText('全国管理员')).toBeVisible();
	const row = page.locator('tr[data-username="moving-reviewer"]');
	await expect(row).toContainText('湖北省');
	await row.getByLabel('移至省份').selectOption('fujian');
	await row.getByRole('button', { name: '移至该省' }).click();
	await expect(row).toContainText('福建省');
	// The admin's own row offers nothing to change.
	await expect(page.locator(`tr[data-username="${ADMIN.username}"]`)).toContainText('当前账号');
});

test('a reviewer changes their password, signing out their other browser; an admin hands over a new one', async ({
	page,
	browser
}) => {
	test.setTimeout(180_000);
	const reviewer = { username: 'forgetful-reviewer', password: 'first reviewer password' };
	await signIn(page, ADMIN);
	const created = await page.request.post(`${server.url}/api/staff/users`, {
		data: { ...reviewer, role: 'reviewer', province: 'hubei' }
	});
	expect(created.status(), await created.text()).toBe(201);
	const office = await (await browser.newContext()).newPage();
	await signIn(office, reviewer);
	const home = await (await browser.newContext()).newPage();
	await signIn(home, reviewer);

	await home.goto(`${server.url}/staff`);
	await expect(home.getByRole('heading', { name: '账号安全' })).toBeVisible();
	const changePassword = async (next: string, repeat: string) => {
		await home.getByLabel('当前密码').fill(reviewer.password);
		await home.getByLabel('新密码', { exact: true }).fill(next);
		await home.getByLabel('再次输入新密码').fill(repeat);
		await home.getByRole('button', { name: '修改密码' }).click();
	};
	await changePassword('second reviewer password', 'second reviewer passwrod');
	await expect(home.getByRole('alert')).toHaveText('两次输入的新密码不一致');
	await changePassword('second reviewer password', 'second reviewer password');
	await expect(home.getByRole('status')).toHaveText('密码已修改，其他设备上的 1 个登录已失效。');
	await office.goto(`${server.url}/staff/review`);
	await expect(office.getByRole('heading', { name: '工作人员登录' })).toBeVisible();
	await home.goto(`${server.url}/staff/review`);
	await expect(home.getByRole('heading', { name: '工作人员登录' })).toHaveCount(0);

	// Forgotten after all: the admin draws a new one, shown once.
	await page.goto(`${server.url}/staff/accounts`);
	await page
		.locator(`tr[data-username="${reviewer.username}"]`)
		.getByRole('button', { name: '重置密码' })
		.click();
	await expect(page.getByRole('status')).toContainText(`账号 ${reviewer.username} 的新密码`);
	const handedOver = await page.getByTestId('new-password').textContent();
	expect(handedOver).toMatch(/^[A-Za-z0-9]{16}$/);
	await home.goto(`${server.url}/staff/review`);
	await expect(home.getByRole('heading', { name: '工作人员登录' })).toBeVisible();
	await signIn(home, { username: reviewer.username, password: handedOver! });
	await expect(home).toHaveURL(/\/staff\/review/);
});
