// axe (WCAG 2.x A/AA rules) on every phone screen, in both languages where it matters: 0 serious or critical.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { browserWithClip, browserWithSpeaker } from './support/browser.ts';
import { registerCandidate, startOnPc, DEMO_IDS } from './support/flow.ts';
import {
	confirmRecord,
	consent,
	expectStatus,
	fixturePath,
	idCards,
	liveness,
	openPhoneAs,
	photo,
	signature,
	submit
} from './support/phone.ts';

const found: string[] = [];

async function audit(page: Page, screen: string) {
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	for (const v of results.violations)
		if (v.impact === 'serious' || v.impact === 'critical')
			found.push(`${screen}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test.afterAll(() => {
	// Printed so a failing run says which screen broke which rule.
	if (found.length) console.log(found.join('\n'));
});

test('every screen of a Hubei flow, in Chinese and English', async ({ page: pc }) => {
	// Hubei reads digits aloud: the camera and microphone play a speaker reading (voice and mouth decide).
	const browser = await browserWithSpeaker('lbbc2a');
	try {
		const phone = await openPhoneAs(browser, await startOnPc(pc, DEMO_IDS.hubei), 'hubei');
		await expectStatus(phone, 'consent');
		await audit(phone, 'consent');
		await phone.getByRole('button', { name: 'English' }).click();
		await audit(phone, 'consent (en)');
		await phone.getByRole('button', { name: '切换到中文' }).click();
		// A refused consent shows its notice.
		await phone.getByRole('button', { name: '同意并开始' }).click();
		await expect(phone.getByTestId('notice')).toBeVisible();
		await audit(phone, 'consent notice');
		await consent(phone);
		await expectStatus(phone, 'confirm_record');
		await audit(phone, 'confirm_record');
		await confirmRecord(phone);
		await expectStatus(phone, 'id_capture');
		await audit(phone, 'id_capture');
		await phone.getByRole('button', { name: '打开摄像头拍摄' }).click();
		await expect(phone.getByRole('button', { name: '拍摄' })).toBeVisible();
		await audit(phone, 'id_capture camera');
		await idCards(phone, ['portrait']);
		await expectStatus(phone, 'liveness');
		await audit(phone, 'liveness');
		await liveness(phone);
		await expectStatus(phone, 'photo');
		await audit(phone, 'photo');
		await phone
			.getByTestId('photo-file')
			.setInputFiles(fixturePath('idphotos', 'nonconf_72dpi_blue_bg_man.jpg'));
		await expect(phone.getByTestId('photo-reasons')).toBeVisible({ timeout: 60_000 });
		await audit(phone, 'photo rejected');
		await photo(phone);
		await expectStatus(phone, 'signature');
		await audit(phone, 'signature');
		await signature(phone);
		await expectStatus(phone, 'review');
		await audit(phone, 'review');
		await submit(phone);
		await expectStatus(phone, 'done');
		await audit(phone, 'done');
		await phone.getByRole('button', { name: 'English' }).click();
		await audit(phone, 'done (en)');
		expect(found).toEqual([]);
	} finally {
		await browser.close();
	}
});

test('failure, manual review and on-site screens', async ({ page: pc, browser, request }) => {
	// A sign-in with an SMS code and three rounds of checks: more than the default two minutes on a busy machine.
	test.setTimeout(200_000);
	// A candidate of its own: the three failures are counted by the server and would block the demo candidate.
	const idNumber = await registerCandidate(request, 'hubei', 7102);
	const still = await browserWithClip(
		fixturePath('clips', 'attack_still_photo_jacky_cheung_640x480_15fps.mjpeg')
	);
	try {
		const phone = await openPhoneAs(still, await startOnPc(pc, idNumber), 'hubei');
		await consent(phone);
		await confirmRecord(phone);
		for (let attempt = 1; attempt <= 3; attempt++) {
			await idCards(phone, ['portrait']);
			await liveness(phone);
			if (attempt === 1) {
				await expectStatus(phone, 'attempt_failed');
				await audit(phone, 'attempt_failed');
			}
			if (attempt < 3) await phone.getByRole('button', { name: '重新验证' }).click();
		}
		await expectStatus(phone, 'manual_review');
		await audit(phone, 'manual_review');
		await phone.getByRole('button', { name: '改为现场确认' }).click();
		await expectStatus(phone, 'on_site');
		await audit(phone, 'on_site');
	} finally {
		await still.close();
	}
	const homeContext = await browser.newContext();
	const home = await homeContext.newPage();
	await home.goto('/');
	await audit(home, 'home');
	await home.goto('/kiosk');
	await expect(home.getByLabel('用户名')).toBeVisible();
	await audit(home, 'kiosk sign-in');
	await homeContext.close();
	expect(found).toEqual([]);
});
