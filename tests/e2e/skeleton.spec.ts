import { expect, test, type Page } from '@playwright/test';
import { confirmableCandidate, openPhone, startOnPc } from './support/flow.ts';
import { freshServerPerTest } from './support/own-server.ts';
import { confirmRecord, consent, expectStatus, idCards, liveness, photo } from './support/phone.ts';

freshServerPerTest();

/** The demo candidate is in Beijing: consent, ID both sides, record, photo, liveness, review. */
async function walkToReview(phone: Page) {
	await consent(phone);
	await idCards(phone, ['portrait', 'emblem']);
	await confirmRecord(phone);
	await photo(phone);
	await liveness(phone);
	await expectStatus(phone, 'review');
}

test('PC QR → phone → signed bundle → PC shows confirmed', async ({ page: pc, browser, request }) => {
	const link = await startOnPc(pc, await confirmableCandidate(request, 'beijing'));
	const phone = await openPhone(browser, link);
	await walkToReview(phone);
	// A reload resumes at the same step (IndexedDB).
	await phone.reload();
	await expectStatus(phone, 'review');

	await phone.getByRole('button', { name: '签名并提交' }).click();
	await expect(phone.getByTestId('done')).toBeVisible();
	await expect(pc.getByTestId('pc-status')).toHaveText('身份确认已完成', { timeout: 15_000 });
	// The phone asks where its confirmation stands until the server's last check (the duplicate sweep) has cleared
	// it, and then says so itself, with the admission number.
	await expect(phone.getByRole('heading', { level: 1 })).toHaveText('身份确认已完成', { timeout: 30_000 });
	await expect(phone.getByTestId('admission')).toContainText(/准考证号: \d+/);

	// The link is one-time, and the session has its outcome: opening it again is refused, saying so.
	const again = await openPhone(browser, link);
	await expect(again.getByTestId('problem')).toContainText('本次确认已有结果');
});

test('a bundle altered by one byte in transit is refused, the phone stops, and nothing is recorded', async ({
	page: pc,
	browser,
	request
}) => {
	const link = await startOnPc(pc, await confirmableCandidate(request, 'beijing'));
	const phone = await openPhone(browser, link);
	await walkToReview(phone);

	let tampered = false;
	let sent: { url: string; contentType: string; body: Buffer } | null = null;
	await phone.route('**/api/phone/submit', async (route) => {
		const body = route.request().postDataBuffer()!;
		sent = { url: route.request().url(), contentType: route.request().headers()['content-type'], body };
		// Change one digit of the signed brightness score: the signature must no longer verify.
		const at = body.indexOf('"brightness":') + '"brightness":'.length;
		const altered = Buffer.from(body);
		altered[at] = altered[at] === 0x31 ? 0x32 : 0x31;
		tampered = altered[at] !== body[at];
		await route.continue({ postData: altered });
	});
	await phone.getByRole('button', { name: '签名并提交' }).click();
	// Refused outright: the phone stops and says why (it never resends a refused bundle).
	await expectStatus(phone, 'contact_office');
	await expect(phone.getByTestId('notice-reason')).toContainText('签名校验失败');
	expect(tampered).toBe(true);
	await expect(pc.getByTestId('pc-status')).toContainText('手机已打开链接');

	// Nothing was recorded: the untouched bundle, sent again as the phone sent it, is the first and only outcome.
	const original = sent as unknown as { url: string; contentType: string; body: Buffer };
	const replay = await phone.request.post(original.url, {
		headers: { 'content-type': original.contentType, origin: new URL(original.url).origin },
		data: original.body
	});
	expect(replay.status(), await replay.text()).toBe(200);
	await expect(pc.getByTestId('pc-status')).toHaveText('身份确认已完成', { timeout: 15_000 });
});
