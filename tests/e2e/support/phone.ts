// Walks the phone screens the way a candidate does: by visible text and roles, never by internal state.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { cameraClipOf } from './browser.ts';
import { registrationPhotoOf } from './camera.ts';
import { cameraFace, cardFile, phoneIdentity } from './idcard.ts';
import type { Degradation } from '../../support/idcard/generate.ts';
import { fixturesDir } from '../../support/fixtures.ts';

export const fixturePath = (...parts: string[]) => join(fixturesDir, ...parts);

export const status = (phone: Page) => phone.getByTestId('screen').getAttribute('data-status');

export async function expectStatus(phone: Page, value: string, timeout = 30_000): Promise<void> {
	await expect(phone.getByTestId('screen')).toHaveAttribute('data-status', value, { timeout });
}

export async function consent(phone: Page): Promise<void> {
	await expectStatus(phone, 'consent');
	await phone.getByLabel('我已阅读并同意《用户协议》和《隐私政策》').check();
	await phone.getByLabel('单独同意在本机进行人脸识别', { exact: false }).check();
	await phone.getByRole('button', { name: '同意并开始' }).click();
}

export async function confirmRecord(phone: Page): Promise<void> {
	await expectStatus(phone, 'confirm_record');
	// The record shown is the one the server sent for this link (a seeded demo or a registered candidate).
	const { name, idNumber } = await phoneIdentity(phone);
	await expect(phone.getByTestId('record')).toContainText(name!);
	await expect(phone.getByTestId('record')).toContainText(idNumber!);
	await phone.getByRole('button', { name: '信息正确，继续' }).click();
}

/** Both sides (or the portrait side only) from the album: generated cards of the candidate the phone holds,
 * read on the phone, compared with the record, then confirmed (ticking the box a small difference asks for). `degrade`: how the pictures were taken (e.g. of a
 * printed copy instead of the card). */
export async function idCards(
	phone: Page,
	sides: ('portrait' | 'emblem')[],
	degrade?: Degradation
): Promise<void> {
	await expectStatus(phone, 'id_capture');
	const identity = await phoneIdentity(phone);
	// The card shows the person this browser's camera plays, as a candidate's own card does.
	const face = cameraFace(cameraClipOf(phone.context().browser()));
	const heading = phone.getByRole('heading', { level: 1 });
	const refused = phone.getByTestId('id-problems');
	for (const [i, side] of sides.entries()) {
		await expect(heading).toContainText(sideName[side], { timeout: 90_000 });
		await phone.getByTestId('id-file').setInputFiles(await cardFile(side, { identity, face, degrade }));
		// The read ends on the next side, on the check screen, or on a refusal: a refusal fails here, with its reasons.
		const next = sides[i + 1];
		const done = next ? heading.filter({ hasText: sideName[next] }) : phone.getByTestId('id-fields');
		await expect(done.or(refused).first()).toBeVisible({ timeout: 90_000 });
		if (await refused.isVisible())
			throw new Error(`the ${side} side was refused: ${(await refused.innerText()).replace(/\s+/g, ' ')}`);
	}
	// A small difference (one character of the name, a near address) is the candidate's to confirm, as one does
	// with the box the screen offers: the run notes what was confirmed. A blocking difference fails here, with why.
	const confirmBox = phone.getByLabel('我确认证件是本人的，以上差异为识别误差');
	if (await confirmBox.isVisible()) {
		noteConfirmed(await idStepDifferences(phone));
		await confirmBox.check();
	}
	const next = phone.getByRole('button', { name: '信息一致，继续' });
	if (!(await next.isVisible()) || !(await next.isEnabled()))
		throw new Error(`the ID step did not reach "信息一致": ${await idStepDifferences(phone)}`);
	await next.click();
}

/** Notes what the ID step confirmed: in the test's annotations, or on stderr when a bench walks the flow (no test). */
function noteConfirmed(differences: string): void {
	try {
		test.info().annotations.push({ type: 'id step confirmed', description: differences });
	} catch {
		console.error(`ID step confirmed: ${differences}`);
	}
}

const sideName = { portrait: '人像面', emblem: '国徽面' } as const;

/** What the check screen shows when the card did not match the record cleanly: each field that is not a match
 * (what the card read, what the record says) and every reason, so a failing run says why at once. */
async function idStepDifferences(phone: Page): Promise<string> {
	const rows = await phone
		.getByTestId('id-fields')
		.locator('tr[data-status]:not([data-status="match"])')
		.evaluateAll((trs) =>
			trs.map((tr) => {
				const [card, record] = [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim());
				return `${tr.getAttribute('data-field')} ${tr.getAttribute('data-status')}: card "${card}", record "${record}"`;
			})
		);
	const reasons = await phone
		.getByTestId('id-reasons')
		.locator('p[data-code]')
		.evaluateAll((ps) => ps.map((p) => `${p.getAttribute('data-code')} (${p.textContent?.trim()})`));
	return [...rows, ...reasons].join('; ') || 'no field or reason shown';
}

/** Uploads a registration photo of the person the camera plays and the card shows, and accepts it. */
export async function photo(
	phone: Page,
	file = registrationPhotoOf(cameraClipOf(phone.context().browser()))
): Promise<void> {
	await expectStatus(phone, 'photo');
	await phone.getByTestId('photo-file').setInputFiles(file);
	await phone.getByRole('button', { name: '使用此照片' }).click({ timeout: 60_000 });
}

/** Starts the camera from a tap, runs the challenge, and waits for the flow to move on. */
export async function liveness(phone: Page): Promise<void> {
	await expectStatus(phone, 'liveness');
	await phone.getByRole('button', { name: '打开摄像头' }).click();
	// Opening the fake camera took over 5 s at load average ~15.
	await expect
		.poll(() => phone.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 30_000 })
		.toBeGreaterThan(0);
	await phone.getByRole('button', { name: '开始检测' }).click();
	await expect(phone.getByTestId('screen')).not.toHaveAttribute('data-status', 'liveness', {
		timeout: 30_000
	});
}

export async function signature(phone: Page): Promise<void> {
	await expectStatus(phone, 'signature');
	const pad = phone.getByTestId('signature-pad');
	const box = (await pad.boundingBox())!;
	await phone.mouse.move(box.x + 30, box.y + 100);
	await phone.mouse.down();
	for (let i = 1; i <= 10; i++) await phone.mouse.move(box.x + 30 + i * 20, box.y + 100 + (i % 2 ? -30 : 30));
	await phone.mouse.up();
	await phone.getByRole('button', { name: '确认签名' }).click();
}

export async function submit(phone: Page): Promise<void> {
	await expectStatus(phone, 'review');
	await phone.getByRole('button', { name: '签名并提交' }).click();
}

/**
 * Opens the phone link as a candidate of another province. The seed has one (Beijing) candidate, so the test
 * rewrites the province in the server's /api/phone/open answer; everything after that is the real flow and the
 * real server (which accepts the bundle on its signature and steps).
 */
export async function openPhoneAs(
	browser: import('@playwright/test').Browser,
	link: string,
	province: string | null,
	setup?: (context: import('@playwright/test').BrowserContext) => unknown
): Promise<Page> {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		isMobile: true,
		hasTouch: true,
		permissions: ['camera', 'microphone']
	});
	if (province) {
		// The link must belong to that province's candidate: the server, not the test, decides the policy.
		await context.route('**/api/phone/open', async (route) => {
			const response = await route.fetch();
			const body = await response.json();
			if (response.ok() && body.province !== province) {
				throw new Error(`the phone link is for a ${body.province} candidate, not ${province}`);
			}
			await route.fulfill({ response, json: body });
		});
	}
	await setup?.(context);
	const phone = await context.newPage();
	await phone.goto(link);
	return phone;
}
