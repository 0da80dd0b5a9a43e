// The ID card step on the phone, driven by album uploads of generated cards (tests/support/idcard): the OCR
// worker reads the card, the number is checked and compared with the registration record, a one-character name
// difference asks the candidate to confirm, a card too far away is refused with its reason, and another
// person's card is refused naming the fields that differ. A card shown on a screen to the camera, or a printed
// copy, is warned about (the original card is asked for) and travels to the reviewer; a genuine card is not.
import { expect, test, type Page } from '@playwright/test';
import { confirmableCandidate, startOnPc, DEMO_IDS } from './support/flow.ts';
import { startOwnServer } from './support/own-server.ts';
import { REGISTRATION_TOKEN } from './support/server-env.ts';
import type { Identity } from '../support/idcard/generate.ts';
import { browserWithClip } from './support/browser.ts';
import { cameraStill, cardFile, PRINTED_COPY } from './support/idcard.ts';
import { storedSessions } from './support/phone-store.ts';
import {
	confirmRecord,
	consent,
	expectStatus,
	fixturePath,
	idCards,
	liveness,
	openPhoneAs,
	photo,
	submit
} from './support/phone.ts';
import type { Degradation } from '../support/idcard/generate.ts';

const READ = { timeout: 90_000 };
const STAFF_PASSWORD = 'idcard e2e staff password';

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
	// The genuine card is not taken for a screen, a copy or a print.
	await expect(phone.getByTestId('id-recapture')).toHaveCount(0);
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
		// Every step of the reading the screen showed, as it showed it (a slow phone reads for seconds).
		await phone.evaluate(() => {
			const shown: string[] = [];
			(window as unknown as { shownStages: string[] }).shownStages = shown;
			new MutationObserver(() => {
				const stage = document.querySelector('[data-testid="ocr-stage"]')?.getAttribute('data-stage');
				if (stage && shown[shown.length - 1] !== stage) shown.push(stage);
			}).observe(document.body, { subtree: true, childList: true, attributes: true });
		});
		await phone.getByRole('button', { name: '拍摄', exact: true }).click();
		const fields = phone.getByTestId('id-fields');
		await expect(fields).toBeVisible(READ);
		expect(await phone.evaluate(() => (window as unknown as { shownStages: string[] }).shownStages)).toEqual([
			'locate',
			'detect',
			'recognize',
			'check'
		]);
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

test('an iPhone’s 24 MP album picture of the card is read where, as in Safari, no canvas over 16.7 MP draws', async ({
	page: pc,
	browser
}) => {
	const phone = await toIdCapture(pc, browser);
	// Safari gives no 2d context for a canvas over 16,777,216 pixels; Chromium's limit is far higher.
	await phone.evaluate(() => {
		const getContext = OffscreenCanvas.prototype.getContext;
		OffscreenCanvas.prototype.getContext = function (this: OffscreenCanvas, ...args: unknown[]) {
			if (this.width * this.height > 16_777_216) return null;
			return (getContext as (...a: unknown[]) => unknown).apply(this, args);
		} as typeof getContext;
	});
	// An iPhone 15's default still, 5712x4284, the card across most of it.
	const still = { frame: { width: 5712, height: 4284 }, fill: 0.75, rotate: 2, jpegQuality: 85 };
	await phone.getByTestId('id-file').setInputFiles(await holderCard('portrait', { degrade: still }));
	const fields = phone.getByTestId('id-fields');
	await expect(fields.or(phone.getByTestId('id-problems')).first()).toBeVisible(READ);
	await expect(phone.getByTestId('id-problems')).toHaveCount(0);
	await expect(fields.locator('tr[data-field="idNumber"]')).toHaveAttribute('data-status', 'match');
	await expect(fields.locator('tr[data-field="name"]')).toHaveAttribute('data-status', 'match');
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

/** The card shown full-screen on a monitor and photographed (the generator's screen recapture), 1920x1080. */
const ON_A_SCREEN: Degradation = {
	frame: { width: 1920, height: 1080 },
	fill: 0.75,
	desk: 'dark',
	recapture: { kind: 'screen', pitch: 2 }
};

test('a card on a screen held up to the camera is warned about, in Chinese and English; the original card is not', async ({
	page: pc
}) => {
	// The fake camera plays the picture of the screen; the candidate takes it with the camera.
	const camera = await browserWithClip(await holderCard('portrait', { degrade: ON_A_SCREEN }), 2);
	try {
		const phone = await toIdCapture(pc, camera);
		await phone.getByRole('button', { name: '打开摄像头拍摄' }).click();
		// The card camera asks for a full-HD frame: at 640x480 a screen's pixel grid is gone.
		await expect
			.poll(() => phone.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth))
			.toBe(1920);
		await phone.getByRole('button', { name: '拍摄', exact: true }).click();
		const warning = phone.getByTestId('id-recapture');
		await expect(warning).toContainText('这似乎是屏幕上显示的证件，请直接拍摄身份证原件', READ);
		await expect(warning).toContainText('请将身份证原件平放拍摄，不要拍摄屏幕、复印件或打印件');
		await phone.getByRole('button', { name: 'English' }).click();
		await expect(warning).toContainText(
			'This looks like a card shown on a screen: photograph the original ID card'
		);
		await expect(warning).toContainText('Lay the original card flat and photograph it');
		await phone.getByRole('button', { name: '中文' }).click();

		// The candidate takes the original card instead: read, matched, and no warning.
		await phone.getByRole('button', { name: '重新拍摄' }).click();
		await phone.getByTestId('id-file').setInputFiles(await holderCard('portrait'));
		const number = phone.getByTestId('id-fields').locator('tr[data-field="idNumber"]');
		await expect(number).toHaveAttribute('data-status', 'match', READ);
		await expect(warning).toHaveCount(0);
		await phone.getByRole('button', { name: '信息一致，继续' }).click();
		await expectStatus(phone, 'liveness');
		expect((await storedSessions(phone))[0].results.idcard?.reasons ?? []).not.toContainEqual(
			expect.stringMatching(/^capture\.recapture/)
		);
	} finally {
		await camera.close();
	}
});

test('a printed copy of the card is warned about, does not block, and reaches the review queue with the reason', async ({
	browser
}) => {
	// A second server's start and a whole Beijing run: more than the default two minutes on a busy machine.
	test.setTimeout(300_000);
	// A server of its own with a staff account, to read the review queue.
	const server = await startOwnServer(Number(process.env.ZV_E2E_PORT ?? 3210) + 1, {
		ZV_ADMIN_USERNAME: 'recapture-admin',
		ZV_ADMIN_PASSWORD: STAFF_PASSWORD,
		ZV_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
		ZV_DEV_PAGES: '1'
	});
	const pcContext = await browser.newContext({ baseURL: server.url });
	try {
		const pc = await pcContext.newPage();
		// Beijing with a confirmable candidate: without the warning this run is confirmed automatically.
		const id = await confirmableCandidate(pc.request, 'beijing');
		const phone = await openPhoneAs(browser, await startOnPc(pc, id), null);
		await consent(phone);
		await idCards(phone, ['portrait', 'emblem'], PRINTED_COPY);
		await confirmRecord(phone);
		const idcard = (await storedSessions(phone))[0].results.idcard;
		expect(idcard?.passed).toBe(true);
		expect(idcard?.reasons).toContain('capture.recapture.print');
		await photo(phone);
		await liveness(phone);
		await submit(phone);
		await expectStatus(phone, 'done');
		await expect(phone.getByRole('heading', { level: 1 })).toHaveText(/已提交人工审核/);
		await expect(pc.getByTestId('pc-status')).toContainText('已转人工审核', { timeout: 15_000 });

		// The reviewer sees why: the phone's recapture warning, as the server's idcard_recapture reason.
		await pc.goto('/staff');
		await pc.getByLabel('用户名').fill('recapture-admin');
		await pc.getByLabel('密码').fill(STAFF_PASSWORD);
		await pc.getByRole('button', { name: /登录/ }).click();
		await expect(pc).toHaveURL(/\/staff\/review/);
		// The queue shows the number masked.
		const row = pc.getByRole('row').filter({ hasText: `${id.slice(0, 6)}********${id.slice(-4)}` });
		await expect(row).toContainText('手机提示证件可能是翻拍件（print），需人工审核');
		await phone.context().close();
	} finally {
		await pcContext.close();
		await server.stop();
	}
});

test('card-reading models that cannot be fetched: the phone says what failed and the card goes to staff', async ({
	page: pc,
	browser
}) => {
	const phone = await openPhoneAs(browser, await startOnPc(pc, DEMO_IDS.hubei), 'hubei', (context) =>
		context.route('**/models/ocr/**', (route) => route.abort('connectionfailed'))
	);
	await consent(phone);
	await expectStatus(phone, 'confirm_record');
	await phone.getByRole('button', { name: '信息正确，继续' }).click();
	await expectStatus(phone, 'id_capture');
	await phone.getByTestId('id-file').setInputFiles(await holderCard('portrait'));
	await expect(phone.getByRole('heading', { level: 1 })).toContainText('证件识别不可用', READ);
	await expect(phone.getByTestId('id-failure')).toContainText('card reading:');
	await phone.getByRole('button', { name: '继续' }).click();
	await expectStatus(phone, 'liveness');
	// The step result says the card was not read on the phone and carries what failed, for the reviewer.
	const [stored] = await storedSessions(phone);
	expect(stored.results.idcard?.passed).toBe(false);
	expect(stored.results.idcard?.reasons).toEqual(['idcard.not_read']);
	expect(String(stored.results.idcard?.details.error)).toMatch(/^card reading: /);
});
