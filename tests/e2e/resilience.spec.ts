// Offline: the signed submission waits in IndexedDB and is sent exactly once when the network comes back; the
// installed shell (service worker) serves the phone page offline and the flow resumes from IndexedDB.
import { expect, test } from '@playwright/test';
import { startOnPc } from './support/flow.ts';
import {
	confirmRecord,
	consent,
	expectStatus,
	idCards,
	liveness,
	openPhoneAs,
	photo
} from './support/phone.ts';

test('offline submit waits in IndexedDB and lands once after reconnecting', async ({ page: pc, browser }) => {
	const phone = await openPhoneAs(browser, await startOnPc(pc), null);
	const context = phone.context();
	const landed: number[] = [];
	phone.on('response', (r) => r.url().endsWith('/api/phone/submit') && landed.push(r.status()));

	await consent(phone);
	await idCards(phone, ['portrait', 'emblem']);
	await confirmRecord(phone);
	await photo(phone);
	await liveness(phone);
	await expectStatus(phone, 'review');

	await context.setOffline(true);
	await phone.getByRole('button', { name: '签名并提交' }).click();
	await expect(phone.getByTestId('queued')).toContainText('联网后会自动提交');
	// The page is killed while offline; it comes back from the service worker's cache, still queued.
	await phone.reload();
	await expectStatus(phone, 'submitting');
	await expect(phone.getByTestId('queued')).toBeVisible();
	await expect(pc.getByTestId('pc-status')).toContainText('手机已打开链接');
	expect(landed).toEqual([]);

	await context.setOffline(false);
	await expectStatus(phone, 'done');
	await expect(pc.getByTestId('pc-status')).toHaveText('身份确认已完成', { timeout: 15_000 });
	expect(landed).toEqual([200]);
});
