// Offline: the signed submission waits in IndexedDB and is sent exactly once when the network comes back; the
// installed shell (service worker) serves the phone page offline and the flow resumes from IndexedDB.
import { expect, test, type Page } from '@playwright/test';
import { confirmableCandidate, openPhone, startOnPc } from './support/flow.ts';
import { freshServerPerTest } from './support/own-server.ts';
import { cardFile, phoneIdentity } from './support/idcard.ts';
import { storedSessions } from './support/phone-store.ts';
import {
	confirmRecord,
	consent,
	expectStatus,
	idCards,
	liveness,
	openPhoneAs,
	photo,
	submit
} from './support/phone.ts';

/** What the phone keeps in IndexedDB about the ID card. */
const storedIdData = async (phone: Page) =>
	(await storedSessions(phone)).map(({ status, idPortrait, draftSides, draftPortrait }) => ({
		status,
		idPortrait,
		draftSides,
		draftPortrait
	}));

// The confirmation in this file must be the fake camera's man's first in Beijing.
freshServerPerTest();

test('the answer to opening the link is lost: a reload opens it on the same phone, another browser finds it spent', async ({
	page: pc,
	browser
}) => {
	const link = await startOnPc(pc);
	let answered = false;
	const phone = await openPhoneAs(browser, link, null, async (context) => {
		await context.route('**/api/phone/open', async (route) => {
			if (answered) return route.continue();
			answered = true;
			// The server opens the link (and spends it); its answer never reaches the phone.
			await route.fetch();
			await route.abort('connectionreset');
		});
	});
	await expect(phone.getByTestId('problem')).toContainText('无法打开此链接');
	await phone.reload();
	await expectStatus(phone, 'consent');
	const other = await openPhone(browser, link);
	await expect(other.getByTestId('problem')).toContainText('此链接已被使用');
	await other.context().close();
});

test('a reload in the ID step keeps the side already read; the card portrait leaves the phone with the result', async ({
	page: pc,
	browser
}) => {
	const phone = await openPhoneAs(browser, await startOnPc(pc), null);
	const heading = phone.getByRole('heading', { level: 1 });
	await consent(phone);
	await expectStatus(phone, 'id_capture');
	const identity = await phoneIdentity(phone);
	await phone.getByTestId('id-file').setInputFiles(await cardFile('portrait', { identity }));
	await expect(heading).toContainText('国徽面', { timeout: 90_000 });
	expect(await storedIdData(phone)).toEqual([
		{ status: 'id_capture', idPortrait: false, draftSides: ['portrait'], draftPortrait: true }
	]);

	await phone.reload();
	await expectStatus(phone, 'id_capture');
	await expect(heading).toContainText('国徽面');
	await phone.getByTestId('id-file').setInputFiles(await cardFile('emblem', { identity }));
	// The comparison covers both sides: the one read before the reload and the one read after it.
	await expect(phone.getByTestId('id-fields').locator('tr[data-field="idNumber"]')).toHaveAttribute(
		'data-status',
		'match',
		{ timeout: 90_000 }
	);
	await expect(phone.getByTestId('id-fields').locator('tr[data-field="authority"]')).toBeVisible();
	await phone.getByRole('button', { name: '信息一致，继续' }).click();
	await confirmRecord(phone);
	expect(await storedIdData(phone)).toEqual([
		{ status: 'photo', idPortrait: true, draftSides: [], draftPortrait: false }
	]);
	await photo(phone);
	await liveness(phone);
	await submit(phone);
	await expectStatus(phone, 'done');
	expect(await storedIdData(phone)).toEqual([
		{ status: 'done', idPortrait: false, draftSides: [], draftPortrait: false }
	]);
});

test('offline submit waits in IndexedDB and lands once after reconnecting', async ({
	page: pc,
	browser,
	request
}) => {
	const phone = await openPhoneAs(
		browser,
		await startOnPc(pc, await confirmableCandidate(request, 'beijing')),
		null
	);
	const context = phone.context();
	const landed: number[] = [];
	phone.on('response', (r) => r.url().endsWith('/api/phone/submit') && landed.push(r.status()));

	await consent(phone);
	await idCards(phone, ['portrait', 'emblem']);
	await confirmRecord(phone);
	await photo(phone);
	await liveness(phone);
	await expectStatus(phone, 'review');

	// Offline emulation covers the page, but a request the service worker passes on can still reach the server in
	// Chromium (a CI run saw the session confirmed while "offline"): the submission is cut off here too, as a
	// phone without network would be.
	const noNetwork = '**/api/phone/submit';
	await context.route(noNetwork, (route) => route.abort('internetdisconnected'));
	await context.setOffline(true);
	await phone.getByRole('button', { name: '签名并提交' }).click();
	await expect(phone.getByTestId('queued')).toContainText('联网后会自动提交');
	// The page is killed while offline; it comes back from the service worker's cache, still queued.
	await phone.reload();
	await expectStatus(phone, 'submitting');
	await expect(phone.getByTestId('queued')).toBeVisible();
	await expect(pc.getByTestId('pc-status')).toContainText('手机已打开链接');
	expect(landed).toEqual([]);

	await context.unroute(noNetwork);
	await context.setOffline(false);
	await expectStatus(phone, 'done');
	await expect(pc.getByTestId('pc-status')).toHaveText('身份确认已完成', { timeout: 15_000 });
	expect(landed).toEqual([200]);
});
