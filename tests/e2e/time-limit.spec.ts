// The server's challenge has a time limit. The phone shows the time left, warns five minutes before the end, and
// extends it with one tap (a request signed with the device key); the extended challenge is what the phone signs
// from then on, so the submission after an extension is accepted.
import { expect, test } from '@playwright/test';
import { confirmableCandidate, startOnPc } from './support/flow.ts';
import { freshServerPerTest } from './support/own-server.ts';
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

// The confirmation in this file must be the fake camera's man's first in Beijing.
freshServerPerTest();

test('the time left is shown and extended with one tap; the submission after it is accepted', async ({
	page: pc,
	browser,
	request
}) => {
	const phone = await openPhoneAs(
		browser,
		await startOnPc(pc, await confirmableCandidate(request, 'beijing')),
		null
	);
	await expectStatus(phone, 'consent');
	const timer = phone.getByTestId('challenge-timer');
	await expect(timer).toHaveAttribute('data-minutes-left', '20');
	await expect(timer).toContainText('剩余时间：约 20 分钟');
	await expect(phone.getByTestId('timer-warning')).toHaveCount(0);

	const extended = phone.waitForResponse((r) => r.url().endsWith('/api/phone/challenge/extend'));
	await timer.getByRole('button', { name: '延长时间' }).click();
	expect((await extended).status()).toBe(200);
	await expect(timer).toHaveAttribute('data-minutes-left', '40');
	await expect(timer).toContainText('还可延长 9 次');
	// The extended challenge is kept on the phone like every other part of the state.
	await phone.reload();
	await expect(phone.getByTestId('challenge-timer')).toHaveAttribute('data-minutes-left', '40');

	await consent(phone);
	await idCards(phone, ['portrait', 'emblem']);
	await confirmRecord(phone);
	await photo(phone);
	await liveness(phone);
	await submit(phone);
	await expectStatus(phone, 'done');
	await expect(pc.getByTestId('pc-status')).toHaveText('身份确认已完成', { timeout: 15_000 });
	await expect(phone.getByTestId('challenge-timer')).toHaveCount(0);
});

test('a warning comes five minutes before the time runs out', async ({ page: pc, browser }) => {
	const phone = await openPhoneAs(browser, await startOnPc(pc), null, (context) => context.clock.install());
	await expectStatus(phone, 'consent');
	await expect(phone.getByTestId('timer-warning')).toHaveCount(0);
	await phone.clock.fastForward('16:00');
	await expect(phone.getByTestId('timer-warning')).toContainText('时间快到了');
	await expect(phone.getByTestId('challenge-timer')).toHaveAttribute('data-minutes-left', '4');
	await phone.clock.fastForward('05:00');
	await expect(phone.getByTestId('challenge-timer')).toContainText('本次确认已超时');
	await expect(phone.getByRole('button', { name: '延长时间' })).toBeVisible();
});
