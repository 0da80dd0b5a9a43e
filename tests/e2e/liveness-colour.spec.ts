// The colour challenge forced on (issue 18 item 1; test mode's ZV_TEST_COLOUR=on for every province) on a server of
// its own. The phone tells the candidate beforehand, shows the sequence round the preview during the check, and
// Chromium's fake camera plays a clip recorded before the challenge existed, which the screen's colours never lit:
// exactly what the challenge must stop, so the check ends in the province's failure path with the colour reason.
// With the challenge off (every other spec), the same flow still confirms. With it 'when_supported', a camera slower
// than the support rule skips it, the signed result says so, and the server holds the submission for a person.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { COLOURS } from '../../src/lib/core/liveness/colour.ts';
import {
	COLOUR_SKIPPED_DETAIL,
	COLOUR_SKIPPED_REVIEW,
	MIN_COLOUR_FPS
} from '../../src/lib/core/liveness/colour-support.ts';
import { reason } from '../../src/lib/core/liveness/reasons.ts';
import { maskIdNumber } from '../../src/lib/core/mask.ts';
import { browserWithClip } from './support/browser.ts';
import { defaultCameraClip } from './support/camera.ts';
import { confirmableCandidate, startOnPc } from './support/flow.ts';
import { startOwnServer } from './support/own-server.ts';
import {
	confirmRecord,
	consent,
	expectStatus,
	idCards,
	liveness,
	openPhoneAs,
	submit
} from './support/phone.ts';
import { describeLiveness, livenessResult } from './support/phone-store.ts';
import { E2E_SERVER_ENV } from './support/server-env.ts';

const PORT = Number(process.env.ZV_E2E_PORT ?? 3210) + 1;
test.use({ baseURL: `http://localhost:${PORT}` });

test('fujian with the colour challenge on: the sequence is shown, the pre-recorded clip cannot follow it and fails with colour_mismatch', async ({
	page: pc,
	browser,
	request
}) => {
	test.setTimeout(300_000);
	const server = await startOwnServer(PORT, {
		...E2E_SERVER_ENV,
		ZV_TEST_COLOUR: 'on',
		ZV_DATA_DIR: mkdtempSync(join(tmpdir(), 'zv-e2e-colour-')),
		DATABASE_URL: ''
	});
	try {
		const id = await confirmableCandidate(request, 'fujian');
		const phone = await openPhoneAs(browser, await startOnPc(pc, id), 'fujian');
		await consent(phone);
		await confirmRecord(phone);
		await idCards(phone, ['portrait', 'emblem']);

		await expectStatus(phone, 'liveness');
		await expect(phone.getByTestId('colour-notice')).toContainText('屏幕边缘会依次显示几种颜色');
		await phone.getByRole('button', { name: '打开摄像头' }).click();
		await expect
			.poll(() => phone.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth))
			.toBeGreaterThan(0);
		await phone.getByRole('button', { name: '开始检测' }).click();
		const flash = phone.getByTestId('colour-flash');
		await expect(flash).toBeVisible({ timeout: 30_000 });
		expect(Object.keys(COLOURS)).toContain(await flash.getAttribute('data-colour'));

		await expectStatus(phone, 'attempt_failed', 60_000);
		const result = await livenessResult(phone);
		expect(result?.passed, describeLiveness(result)).toBe(false);
		expect(result?.reasons, describeLiveness(result)).toContain('colour_mismatch');
		// The measured response goes with the signed result, for reviewers.
		expect(result?.details.m_colourFlashes, describeLiveness(result)).toBeGreaterThan(0);
		await expect(phone.getByTestId('failure-reason')).toContainText(reason('colour_mismatch').zh);
		await expect(flash).toHaveCount(0);
	} finally {
		await server.stop();
	}
});

/** A front camera well under the colour step's support rule: the live selfie with frames dropped to this rate. */
const SLOW_CAMERA_FPS = 4;
const STAFF = { username: 'colour-skip-admin', password: 'colour skip e2e password' };

test('fujian with the colour challenge when supported: a slow camera skips it, and the server sends the submission to review with colour_skipped', async ({
	page: pc,
	request
}) => {
	test.setTimeout(300_000);
	expect(SLOW_CAMERA_FPS).toBeLessThan(MIN_COLOUR_FPS);
	const server = await startOwnServer(PORT, {
		...E2E_SERVER_ENV,
		ZV_TEST_COLOUR: 'when_supported',
		ZV_DATA_DIR: mkdtempSync(join(tmpdir(), 'zv-e2e-colour-skip-')),
		DATABASE_URL: '',
		ZV_ADMIN_USERNAME: STAFF.username,
		ZV_ADMIN_PASSWORD: STAFF.password
	});
	const camera = await browserWithClip(defaultCameraClip(), undefined, SLOW_CAMERA_FPS);
	try {
		const id = await confirmableCandidate(request, 'fujian');
		const phone = await openPhoneAs(camera, await startOnPc(pc, id), 'fujian');
		await consent(phone);
		await confirmRecord(phone);
		await idCards(phone, ['portrait', 'emblem']);
		await expectStatus(phone, 'liveness');
		await expect(phone.getByTestId('colour-notice')).toBeVisible();
		await liveness(phone);

		// The check ran without the flashes and passed on the blink; the skip and its cause are signed with it.
		const result = await livenessResult(phone);
		expect(result?.passed, describeLiveness(result)).toBe(true);
		expect(result?.details[COLOUR_SKIPPED_DETAIL], describeLiveness(result)).toBe('colour_camera_slow');
		expect(result?.details.m_colourFlashes, describeLiveness(result)).toBeUndefined();
		expect(String(result?.details.injection)).toContain('virtual_camera');

		await submit(phone);
		await expectStatus(phone, 'done', 60_000);
		await expect(phone.getByRole('heading', { level: 1 })).toHaveText(/已提交人工审核/);
		await expect(pc.getByTestId('pc-status')).toContainText('已转人工审核', { timeout: 15_000 });

		// The reviewer sees why it was held, and the fake camera's name as an injection note.
		await pc.goto('/staff');
		await pc.getByLabel('用户名').fill(STAFF.username);
		await pc.getByLabel('密码').fill(STAFF.password);
		await pc.getByRole('button', { name: /登录/ }).click();
		await expect(pc).toHaveURL(/\/staff\/review/);
		const row = pc.getByRole('row').filter({ hasText: maskIdNumber(id) });
		await expect(row).toContainText(COLOUR_SKIPPED_REVIEW.zh);
		await row.getByRole('link').click();
		const reasons = pc.getByRole('listitem');
		await expect(reasons.filter({ hasText: COLOUR_SKIPPED_REVIEW.zh })).toHaveCount(1);
		await expect(reasons.filter({ hasText: '摄像头名称显示为虚拟摄像头' })).toHaveCount(1);
		await phone.context().close();
	} finally {
		await camera.close();
		await server.stop();
	}
});
