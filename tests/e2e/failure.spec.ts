// A still photo in front of the camera fails liveness every time: Hubei's three attempts are used up and the
// candidate ends in manual review, with the reason and the attempts left shown after each failure.
import { expect, test } from '@playwright/test';
import { browserWithClip } from './support/browser.ts';
import { startOnPc, DEMO_IDS } from './support/flow.ts';
import { confirmRecord, consent, expectStatus, fixturePath, idCards, openPhoneAs } from './support/phone.ts';

test('still photo: three failed attempts end in manual review', async ({ page: pc }) => {
	const browser = await browserWithClip(
		fixturePath('clips', 'attack_still_photo_jacky_cheung_640x480_15fps.mjpeg')
	);
	try {
		const phone = await openPhoneAs(browser, await startOnPc(pc, DEMO_IDS.hubei), 'hubei');
		await consent(phone);
		await confirmRecord(phone);
		for (let attempt = 1; attempt <= 3; attempt++) {
			// Hubei restarts a failed attempt from the ID card.
			await idCards(phone, ['portrait']);
			await expectStatus(phone, 'liveness');
			await phone.getByRole('button', { name: '打开摄像头' }).click();
			await phone.getByRole('button', { name: '开始检测' }).click();
			if (attempt < 3) {
				await expectStatus(phone, 'attempt_failed', 20_000);
				await expect(phone.getByTestId('failure-reason')).toContainText('疑似照片');
				await expect(phone.getByTestId('attempts-left')).toHaveText(`剩余验证次数：${3 - attempt}`);
				await phone.getByRole('button', { name: '重新验证' }).click();
			}
		}
		await expectStatus(phone, 'manual_review', 20_000);
		await expect(phone.getByRole('alert')).toContainText('验证次数已用完');
		await expect(phone.getByTestId('manual-review')).toBeVisible();
		// Online verification is over: a reload stays in manual review.
		await phone.reload();
		await expectStatus(phone, 'manual_review');
		// Nothing was submitted for a failed attempt: the PC still waits.
		await expect(pc.getByTestId('pc-status')).toContainText('手机已打开链接');
	} finally {
		await browser.close();
	}
});
