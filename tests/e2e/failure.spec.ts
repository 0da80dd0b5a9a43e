// Failure paths. A still photo in front of the camera fails liveness every time; a live person who is not the one
// on the ID card fails the face comparison. Each failure is reported to the server as it happens, signed by the
// phone: the server's count holds across QR codes (a new session does not reset it), and Hubei's third failure
// ends online verification in manual review, on the phone and on the PC.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { browserWithClip } from './support/browser.ts';
import { cardFile, phoneIdentity } from './support/idcard.ts';
import { registerCandidate, signInWithCode, startOnPc } from './support/flow.ts';
import {
	confirmRecord,
	consent,
	expectStatus,
	fixturePath,
	idCards,
	liveness,
	openPhoneAs
} from './support/phone.ts';

const STILL_PHOTO = fixturePath('clips', 'attack_still_photo_jacky_cheung_640x480_15fps.mjpeg');

/** Opens the link and records the status of every failure report the phone sends. */
async function openReporting(
	browser: Browser,
	link: string,
	province = 'hubei'
): Promise<{ phone: Page; reports: number[] }> {
	const reports: number[] = [];
	const phone = await openPhoneAs(browser, link, province);
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
	// Three sign-ins with an SMS code and three rounds of checks: more than the default two minutes on a busy machine.
	test.setTimeout(200_000);
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
		await signInWithCode(pc, idNumber, '登录并生成二维码');
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

test('a live person who is not the one on the ID card fails the face comparison, reported to the server', async ({
	page: pc,
	browser,
	request
}) => {
	// Fujian (a blink, which the live selfie performs): the card of this candidate shows someone else's face.
	const idNumber = await registerCandidate(request, 'fujian', 7107, true);
	const { phone, reports } = await openReporting(browser, await startOnPc(pc, idNumber), 'fujian');
	await consent(phone);
	await confirmRecord(phone);
	await expectStatus(phone, 'id_capture');
	const identity = await phoneIdentity(phone);
	const stranger = fixturePath('faces', 'alex_lacamoire_1.jpg');
	await phone.getByTestId('id-file').setInputFiles(await cardFile('portrait', { identity, face: stranger }));
	await expect(phone.getByRole('heading', { level: 1 })).toContainText('国徽面', { timeout: 90_000 });
	await phone.getByTestId('id-file').setInputFiles(await cardFile('emblem', { identity }));
	await phone.getByRole('button', { name: '信息一致，继续' }).click({ timeout: 90_000 });
	await liveness(phone);
	await expectStatus(phone, 'attempt_failed');
	await expect(phone.getByTestId('failure')).toContainText('人脸与身份证照片不一致');
	await expect.poll(() => reports).toEqual([200]);
});
