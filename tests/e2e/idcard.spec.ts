// The ID card step on the phone, driven by album uploads of generated cards (tests/support/idcard): the OCR
// worker reads the card, the number is checked and compared with the registration record, a one-character name
// difference asks the candidate to confirm, a card too far away is refused with its reason, and another
// person's card is refused naming the fields that differ.
import { expect, test, type Page } from '@playwright/test';
import { startOnPc, DEMO_IDS } from './support/flow.ts';
import type { Identity } from '../support/idcard/generate.ts';
import { browserWithClip } from './support/browser.ts';
import { cameraStill, cardFile } from './support/idcard.ts';
import { storedSessions } from './support/phone-store.ts';
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

const READ = { timeout: 90_000 };

/** The seeded Hubei demo candidate (src/lib/server/seed.ts) as printed on their card. */
const HOLDER: Partial<Identity> & { idNumber: string } = {
	name: '陈志强',
	sex: '男',
	ethnicity: '汉',
	birthDate: '1988-09-21',
	address: '湖北省武汉市江岸区沿江大道188号',
	idNumber: '420102198809214517'
};
const holderCard = (side: 'portrait' | 'emblem', opts: Parameters<typeof cardFile>[1] = {}) =>
	cardFile(side, { ...opts, identity: { ...HOLDER, ...opts.identity } });

async function toIdCapture(pc: Page, browser: import('@playwright/test').Browser): Promise<Page> {
	// Hubei asks for the portrait side only, after the record is confirmed.
	const phone = await openPhoneAs(browser, await startOnPc(pc, DEMO_IDS.hubei), 'hubei');
	await consent(phone);
	await expectStatus(phone, 'confirm_record');
	await phone.getByRole('button', { name: '信息正确，继续' }).click();
	await expectStatus(phone, 'id_capture');
	return phone;
}

test('the demo candidate’s card is read, checked and matches the record; the step result is signed', async ({
	page: pc,
	browser
}) => {
	const phone = await toIdCapture(pc, browser);
	await phone.getByTestId('id-file').setInputFiles(await holderCard('portrait'));
	const fields = phone.getByTestId('id-fields');
	await expect(fields).toBeVisible(READ);
	const number = fields.locator('tr[data-field="idNumber"]');
	await expect(number).toContainText(HOLDER.idNumber);
	await expect(number).toHaveAttribute('data-status', 'match');
	await expect(fields.locator('tr[data-field="name"]')).toHaveAttribute('data-status', 'match');
	await expect(phone.getByTestId('id-checks').locator('[data-check="checksum"]')).toHaveAttribute(
		'data-ok',
		'true'
	);
	await expect(phone.getByTestId('id-checks').locator('[data-check="region"]')).toContainText('湖北');
	await phone.getByRole('button', { name: '信息一致，继续' }).click();
	await expectStatus(phone, 'liveness');

	// What the phone keeps: the idcard result (no image) and the card portrait, both in IndexedDB.
	const [stored] = await storedSessions(phone);
	const saved = { idcard: stored.results.idcard, portrait: stored.idPortraitSize };
	expect(saved.idcard?.passed).toBe(true);
	expect(saved.idcard?.details.compare_idNumber).toBe('match');
	expect(saved.idcard?.details.checksumValid).toBe(true);
	expect(JSON.stringify(saved.idcard).length).toBeLessThan(4000);
	expect(saved.portrait?.[0]).toBeGreaterThan(100);
});

test('a card held up to the (fake) camera is read from a camera picture, every field as generated', async ({
	page: pc
}) => {
	// Chromium's fake camera plays the generated card (640x480, card ~80 % of the frame); no file is uploaded.
	const camera = await browserWithClip(await cameraStill(await holderCard('portrait')), 2);
	try {
		const phone = await toIdCapture(pc, camera);
		await phone.getByRole('button', { name: '打开摄像头拍摄' }).click();
		await expect
			.poll(() => phone.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth))
			.toBeGreaterThan(0);
		await phone.getByRole('button', { name: '拍摄', exact: true }).click();
		const fields = phone.getByTestId('id-fields');
		await expect(fields).toBeVisible(READ);
		// Each field as read from the card (the first cell), and the comparison with the record.
		for (const field of ['name', 'sex', 'ethnicity', 'birthDate', 'address', 'idNumber'] as const) {
			const row = fields.locator(`tr[data-field="${field}"]`);
			await expect(row.locator('td').first(), field).toHaveText(String(HOLDER[field]));
			await expect(row, field).toHaveAttribute('data-status', 'match');
		}
		await phone.getByRole('button', { name: '信息一致，继续' }).click();
		await expectStatus(phone, 'liveness');
		const details = (await storedSessions(phone))[0].results.idcard?.details;
		// The step result says where the picture came from: the camera, not the album.
		expect(details?.portrait_source).toBe('camera');
		expect(details?.compare_idNumber).toBe('match');
	} finally {
		await camera.close();
	}
});

test('a one-character name difference asks the candidate to confirm', async ({ page: pc, browser }) => {
	const phone = await toIdCapture(pc, browser);
	await phone
		.getByTestId('id-file')
		.setInputFiles(await holderCard('portrait', { identity: { name: '陈志刚' } }));
	const name = phone.getByTestId('id-fields').locator('tr[data-field="name"]');
	await expect(name).toHaveAttribute('data-status', 'confirm', READ);
	await expect(phone.getByTestId('id-reasons')).toContainText('姓名有一个字未能确认');
	const next = phone.getByRole('button', { name: '信息一致，继续' });
	await expect(next).toBeDisabled();
	await phone.getByLabel('我确认证件是本人的，以上差异为识别误差').check();
	await next.click();
	await expectStatus(phone, 'liveness');
});

test('a card too far away is refused with its reason, and a retry reads it', async ({
	page: pc,
	browser
}) => {
	const phone = await toIdCapture(pc, browser);
	await phone.getByTestId('id-file').setInputFiles(await holderCard('portrait', { degrade: { fill: 0.25 } }));
	await expect(phone.getByTestId('id-problems')).toContainText('请靠近', READ);
	await phone.getByTestId('id-file').setInputFiles(await holderCard('portrait'));
	await expect(phone.getByTestId('id-fields')).toBeVisible(READ);
});

test('another person’s card is refused naming the fields that differ', async ({ page: pc, browser }) => {
	const phone = await toIdCapture(pc, browser);
	await phone
		.getByTestId('id-file')
		.setInputFiles(fixturePath('idcards', 'specimen_airobot_portrait_side_bw.jpg'));
	const reasons = phone.getByTestId('id-reasons');
	await expect(reasons).toBeVisible(READ);
	await expect(phone.getByTestId('id-fields').locator('tr[data-field="idNumber"]')).toHaveAttribute(
		'data-status',
		/mismatch|missing/
	);
	await expect(reasons).toContainText('不一致');
	await expect(phone.getByRole('button', { name: '信息一致，继续' })).toHaveCount(0);
	await phone.getByRole('button', { name: '重新拍摄' }).click();
	await expect(phone.getByTestId('id-file')).toBeAttached();
});

test('the liveness result carries the live face vs ID portrait similarity', async ({ page: pc, browser }) => {
	// Beijing: ID (both sides) → record → photo → liveness; the card portrait is a still of the camera's person.
	const phone = await openPhoneAs(browser, await startOnPc(pc), null);
	await consent(phone);
	await idCards(phone, ['portrait', 'emblem']);
	await confirmRecord(phone);
	await photo(phone);
	await liveness(phone);
	const liveness_ = (await storedSessions(phone))[0].results.liveness;
	expect(liveness_?.details).toMatchObject({ idPortraitMatch: true });
	expect(liveness_?.scores.idPortraitSimilarity).toBeGreaterThan(0.3);
});
