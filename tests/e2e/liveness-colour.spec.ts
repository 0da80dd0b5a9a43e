// The colour challenge forced on (issue 18 item 1; test mode's ZV_TEST_COLOUR=on for every province) on a server of
// its own. The phone tells the candidate beforehand, shows the sequence round the preview during the check, and
// Chromium's fake camera plays a clip recorded before the challenge existed, which the screen's colours never lit:
// exactly what the challenge must stop, so the check ends in the province's failure path with the colour reason.
// With the challenge off (every other spec), the same flow still confirms.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { COLOURS } from '../../src/lib/core/liveness/colour.ts';
import { reason } from '../../src/lib/core/liveness/reasons.ts';
import { confirmableCandidate, startOnPc } from './support/flow.ts';
import { startOwnServer } from './support/own-server.ts';
import { confirmRecord, consent, expectStatus, idCards, openPhoneAs } from './support/phone.ts';
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
