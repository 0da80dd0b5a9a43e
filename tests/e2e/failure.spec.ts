// A still photo in front of the camera fails liveness every time. Each failure is reported to the server as it
// happens, signed by the phone: the server's count holds across QR codes (a new session does not reset it), and
// Hubei's third failure ends online verification in manual review, on the phone and on the PC.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { browserWithClip } from './support/browser.ts';
import { registerCandidate, startOnPc } from './support/flow.ts';
import { confirmRecord, consent, expectStatus, fixturePath, idCards, openPhoneAs } from './support/phone.ts';

const STILL_PHOTO = fixturePath('clips', 'attack_still_photo_jacky_cheung_640x480_15fps.mjpeg');

/** Opens the link and records the status of every failure report the phone sends. */
async function openReporting(browser: Browser, link: string): Promise<{ phone: Page; reports: number[] }> {
	const reports: number[] = [];
	const phone = await openPhoneAs(browser, link, 'hubei');
	phone.on('response', (r) => r.url().endsWith('/api/phone/attempt') && reports.push(r.status()));
	return { phone, reports };
}

/** Hubei restarts a failed attempt from the ID card: card, then the liveness check the still photo fails. */
async function failOnce(phone: Page): Promise<void> {
	await idCards(phone, ['portrait']);
	await expectStatus(phone, 'liveness');
	await phone.getByRole('button', { name: '打开摄像头' }).click();
	await phone.getByRole('button', { name: '开始检测' }).click();
}

test('still photo: failures are counted by the server across QR codes; the third ends in manual review', async ({
	page: pc,
	request
}) => {
	const idNumber = await registerCandidate(request, 'hubei', 7101);
	const browser = await browserWithClip(STILL_PHOTO);
	try {
		// First QR code: one failed attempt, reported as it happens.
		const first = await openReporting(browser, await startOnPc(pc, idNumber));
		await consent(first.phone);
		await confirmRecord(first.phone);
		await failOnce(first.phone);
		await expectStatus(first.phone, 'attempt_failed', 20_000);
		await expect(first.phone.getByTestId('failure-reason')).toContainText('疑似照片');
		await expect(first.phone.getByTestId('attempts-left')).toHaveText('剩余验证次数：2');
		await expect.poll(() => first.reports).toEqual([200]);
		await first.phone.context().close();

		// A new QR code: the phone starts from the server's count, so one failure here leaves one attempt.
		const second = await openReporting(browser, await startOnPc(pc, idNumber));
		const phone = second.phone;
		await consent(phone);
		await confirmRecord(phone);
		await failOnce(phone);
		await expectStatus(phone, 'attempt_failed', 20_000);
		await expect(phone.getByTestId('attempts-left')).toHaveText('剩余验证次数：1');
		await phone.getByRole('button', { name: '重新验证' }).click();
		await failOnce(phone);

		await expectStatus(phone, 'manual_review', 20_000);
		await expect(phone.getByRole('alert')).toContainText('验证次数已用完');
		await expect(phone.getByTestId('manual-review')).toBeVisible();
		await expect.poll(() => second.reports).toEqual([200, 200]);
		// The server ended the session with the last report (its outcome queued for review): the PC sees it.
		await expect(pc.getByTestId('pc-status')).toContainText('身份确认未通过', { timeout: 15_000 });
		// Online verification is over: a reload stays in manual review, and no new QR code can be made.
		await phone.reload();
		await expectStatus(phone, 'manual_review');
		await pc.goto('/pc');
		await pc.getByLabel('身份证号码').fill(idNumber);
		await pc.getByRole('button', { name: '生成手机扫码二维码' }).click();
		await expect(pc.getByRole('alert')).toContainText('次数已用完');
	} finally {
		await browser.close();
	}
});

test('after a failed attempt the candidate asks for a manual review; the server holds the case for it', async ({
	page: pc,
	request
}) => {
	const idNumber = await registerCandidate(request, 'hubei', 7104);
	const browser = await browserWithClip(STILL_PHOTO);
	try {
		const { phone } = await openReporting(browser, await startOnPc(pc, idNumber));
		const asked = phone.waitForResponse((r) => r.url().endsWith('/api/phone/review'));
		await consent(phone);
		await confirmRecord(phone);
		await failOnce(phone);
		await expectStatus(phone, 'attempt_failed', 20_000);
		await phone.getByRole('button', { name: '申请人工审核' }).click();
		await expectStatus(phone, 'manual_review');
		expect((await asked).status()).toBe(200);
		await expect(pc.getByTestId('pc-status')).toContainText('已转人工审核', { timeout: 15_000 });
	} finally {
		await browser.close();
	}
});
