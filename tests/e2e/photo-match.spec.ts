// The photo is compared with the candidate's face on the phone, as each province's guide says: Hubei's with the ID
// card portrait (上传照片和身份证相片比对), Beijing's with the face of the action check (上传人像证件照与动作认证对比).
// A compliant photo of someone else is a failed attempt with its own reason, and the server counts it.
import { expect, test, type Page } from '@playwright/test';
import { browserWithSpeaker } from './support/browser.ts';
import { registerCandidate, startOnPc } from './support/flow.ts';
import {
	confirmRecord,
	consent,
	expectStatus,
	fixturePath,
	idCards,
	liveness,
	openPhoneAs,
	photo
} from './support/phone.ts';
import { storedSessions } from './support/phone-store.ts';

/** A compliant registration photo of a man who is neither the card's person nor the camera's. */
const SOMEONE_ELSE = fixturePath('idphotos', 'blue_bg_man_compliant_480x640.jpg');

const attemptReports = (phone: Page) => {
	const statuses: number[] = [];
	phone.on('response', (r) => r.url().endsWith('/api/phone/attempt') && statuses.push(r.status()));
	return statuses;
};

test('hubei: a photo of someone else than the ID card portrait is a counted failure, retried from the card', async ({
	page: pc,
	request
}) => {
	const idNumber = await registerCandidate(request, 'hubei', Math.floor(Math.random() * 1e9));
	const browser = await browserWithSpeaker('lbbc2a');
	try {
		const phone = await openPhoneAs(browser, await startOnPc(pc, idNumber), 'hubei');
		const reports = attemptReports(phone);
		await consent(phone);
		await confirmRecord(phone);
		await idCards(phone, ['portrait']);
		await liveness(phone);
		await expectStatus(phone, 'photo', 45_000);
		await phone.getByTestId('photo-file').setInputFiles(SOMEONE_ELSE);
		await expectStatus(phone, 'attempt_failed', 90_000);
		await expect(phone.getByTestId('failure')).toContainText('照片与本人不一致');
		await expect(phone.getByTestId('attempts-left')).toHaveText('剩余验证次数：2');
		await expect.poll(() => reports).toEqual([200]);
		const [stored] = await storedSessions(phone);
		expect(stored.photo?.reasons).toEqual(['FACE_MISMATCH']);

		// Hubei starts again from the ID card; the candidate's own photo then passes the comparison.
		await phone.getByRole('button', { name: '重新验证' }).click();
		await idCards(phone, ['portrait']);
		await liveness(phone);
		await expectStatus(phone, 'photo', 45_000);
		await photo(phone);
		await expectStatus(phone, 'signature');
		const [accepted] = await storedSessions(phone);
		expect(accepted.results.photo?.scores.idPortraitSimilarity).toBeGreaterThanOrEqual(0.45);
	} finally {
		await browser.close();
	}
});

test('beijing: an accepted photo of someone else fails at the action check, counted, retried from the photo', async ({
	page: pc,
	browser,
	request
}) => {
	const idNumber = await registerCandidate(request, 'beijing', Math.floor(Math.random() * 1e9));
	const phone = await openPhoneAs(browser, await startOnPc(pc, idNumber), 'beijing');
	const reports = attemptReports(phone);
	await consent(phone);
	await idCards(phone, ['portrait', 'emblem']);
	await confirmRecord(phone);
	// The photo alone keeps every rule (the live face is not known yet), so it is accepted.
	await photo(phone, SOMEONE_ELSE);
	await liveness(phone);
	await expectStatus(phone, 'attempt_failed');
	await expect(phone.getByTestId('failure')).toContainText('照片与本人不一致');
	await expect(phone.getByTestId('attempts-left')).toHaveText('剩余验证次数：4');
	await expect.poll(() => reports).toEqual([200]);
	const [stored] = await storedSessions(phone);
	expect(stored.results.liveness?.details).toMatchObject({ idPortraitMatch: true, photoMatch: false });

	await phone.getByRole('button', { name: '重新验证' }).click();
	await expectStatus(phone, 'photo');
});
