// Fujian's pre-registration photo and its audit (issue 21), end to end on a server of its own (it needs a staff
// account): the candidate signs in on /pc and uploads a photo (refused with reasons, the processed photo accepted),
// waits for the audit; an officer rejects it from the keyboard with a reason the candidate then sees; a second
// upload (of the man the fake camera plays) is approved; the QR code appears and the phone flow confirms against
// the approved photo. Before approval, a session start is refused with the reason.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { cameraPersonPhoto } from './support/camera.ts';
import { registerCandidate, signInWithCode } from './support/flow.ts';
import { startOwnServer } from './support/own-server.ts';
import {
	fixturePath,
	confirmRecord,
	consent,
	expectStatus,
	idCards,
	liveness,
	openPhoneAs,
	submit
} from './support/phone.ts';
import { REGISTRATION_TOKEN } from './support/server-env.ts';

const PORT = Number(process.env.ZV_E2E_PORT ?? 3210) + 50;
const PASSWORD = 'audit e2e admin password';

async function upload(pc: Page, file: string) {
	await pc.getByTestId('prereg-file').setInputFiles(file);
	await pc.getByRole('button', { name: '上传照片' }).click();
}

test('fujian: pre-registration photo refused, processed, rejected by the office, re-uploaded, approved; then the phone confirms', async ({
	browser
}) => {
	test.setTimeout(300_000);
	const server = await startOwnServer(PORT, {
		ZV_DATA_DIR: mkdtempSync(join(tmpdir(), 'zv-e2e-prereg-')),
		ZV_ADMIN_USERNAME: 'audit-admin',
		ZV_ADMIN_PASSWORD: PASSWORD,
		ZV_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
		ZV_DEV_PAGES: '1',
		ZV_SMS_RESEND_SECONDS: '3'
	});
	try {
		const context = await browser.newContext({ baseURL: server.url });
		const pc = await context.newPage();
		const id = await registerCandidate(context.request, 'fujian', Math.floor(Math.random() * 1e9));

		// Before approval no session starts, and the answer says why.
		const early = await context.request.post('/api/registration/sessions', {
			headers: { authorization: `Bearer ${REGISTRATION_TOKEN}` },
			data: { idNumber: id }
		});
		expect(early.status()).toBe(409);
		expect((await early.json()).error).toMatchObject({
			code: 'pre_registration_required',
			zh: expect.stringContaining('请先上传预报名照片')
		});

		await pc.goto('/pc');
		await signInWithCode(pc, id, '登录并生成二维码');
		await expect(pc.getByTestId('prereg-status')).toContainText('请先上传本人近期免冠正面证件照');

		// A photo that breaks the file rules: the reasons at once, and a processed compliant photo to accept.
		await upload(pc, fixturePath('idphotos', 'blue_bg_man_original_358x441.jpg'));
		const refused = pc.getByTestId('prereg-refused');
		await expect(refused).toContainText('照片尺寸为 358×441 像素', { timeout: 60_000 });
		await refused.getByRole('button', { name: '使用处理后的照片' }).click();
		await expect(pc.getByTestId('prereg-status')).toContainText('等待审核', { timeout: 30_000 });
		await expect(pc.getByTestId('prereg-status')).toContainText('24 小时内审核');

		// The office rejects it from the keyboard: reason 1 (not the candidate), R.
		const office = await context.newPage();
		await office.goto('/staff');
		await office.getByLabel('用户名').fill('audit-admin');
		await office.getByLabel('密码').fill(PASSWORD);
		await office.getByRole('button', { name: /登录/ }).click();
		await office.waitForURL(/\/staff/);
		await office.goto('/staff/photos');
		await expect(office.getByTestId('audit-current')).toBeVisible();
		await expect(office.getByTestId('audit-age')).toContainText('目标 24 小时内审核');
		await office.keyboard.press('1');
		await office.keyboard.press('r');
		await expect(office.getByTestId('audit-empty')).toBeVisible();

		await pc.reload();
		await expect(pc.getByTestId('prereg-status')).toContainText('未通过审核');
		await expect(pc.getByTestId('prereg-reasons')).toContainText('照片不是考生本人');

		// The second upload: the man the fake camera plays (his picture is not a registration photo: processed).
		await upload(pc, cameraPersonPhoto());
		await expect(refused).toContainText('背景', { timeout: 60_000 });
		await refused.getByRole('button', { name: '使用处理后的照片' }).click();
		await expect(pc.getByTestId('prereg-status')).toContainText('等待审核', { timeout: 30_000 });
		await office.reload();
		await expect(office.getByTestId('audit-current')).toBeVisible();
		await office.keyboard.press('a');
		await expect(office.getByTestId('audit-empty')).toBeVisible();

		await pc.reload();
		await expect(pc.getByTestId('prereg-status')).toContainText('照片已审核通过');
		await pc.getByRole('button', { name: '生成手机扫码二维码' }).click();
		await expect(pc.getByRole('img', { name: '手机身份确认链接二维码' })).toBeVisible();
		const link = (await pc.getByTestId('phone-link').getAttribute('href'))!;

		const phone = await openPhoneAs(browser, link, 'fujian');
		await consent(phone);
		await confirmRecord(phone);
		await idCards(phone, ['portrait', 'emblem']);
		await liveness(phone);
		await submit(phone);
		await expectStatus(phone, 'done');
		await expect(phone.getByTestId('done')).toBeVisible();
		await expect(pc.getByTestId('pc-status')).toHaveText('身份确认已完成', { timeout: 15_000 });

		// Done on what may be a shared computer: signing out leaves the next person the sign-in form.
		await pc.getByTestId('pc-sign-out').click();
		await expect(pc.getByRole('button', { name: '获取短信验证码' })).toBeVisible();
		await expect(pc.getByTestId('pc-sign-out')).toHaveCount(0);
		await pc.reload();
		await expect(pc.getByTestId('prereg-status')).toHaveCount(0);
	} finally {
		await server.stop();
	}
});
