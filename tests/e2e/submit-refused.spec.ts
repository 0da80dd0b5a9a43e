// The server refuses a submission outright (here an altered bundle, whose signature no longer holds): the phone
// leaves 提交中, says why and what to do in both languages, keeps it after a reload, and never resends it.
import { expect, test } from '@playwright/test';
import { registerCandidate, startOnPc } from './support/flow.ts';
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

/** The multipart body with one character of the bundle's signature changed (the same length, so nothing else moves). */
function alterSignature(body: Buffer): Buffer {
	const text = body.toString('latin1');
	const at = text.lastIndexOf('"signature":"') + '"signature":"'.length;
	expect(at).toBeGreaterThan('"signature":"'.length);
	const swapped = text[at] === 'A' ? 'B' : 'A';
	return Buffer.from(text.slice(0, at) + swapped + text.slice(at + 1), 'latin1');
}

test('an altered bundle is refused: the phone leaves 提交中 for the office, with the reason, and does not resend it', async ({
	page: pc,
	browser,
	request
}) => {
	const candidate = await registerCandidate(request, 'beijing', Math.floor(Math.random() * 1e9));
	const answers: { status: number; code: string }[] = [];
	const phone = await openPhoneAs(browser, await startOnPc(pc, candidate), 'beijing', (context) =>
		context.route('**/api/phone/submit', async (route) => {
			const response = await route.fetch({ postData: alterSignature(route.request().postDataBuffer()!) });
			const body = await response.json();
			answers.push({ status: response.status(), code: body.error?.code });
			await route.fulfill({ response, json: body });
		})
	);
	await consent(phone);
	await idCards(phone, ['portrait', 'emblem']);
	await confirmRecord(phone);
	await photo(phone);
	await liveness(phone);
	await submit(phone);

	// The real server refused it (the phone's own code was not involved in the judgement).
	await expectStatus(phone, 'contact_office');
	expect(answers).toEqual([{ status: 400, code: 'bad_signature' }]);
	const heading = phone.getByRole('heading', { level: 1 });
	await expect(heading).toHaveText('请联系考试机构');
	const notice = phone.getByTestId('notice');
	await expect(notice).toContainText('服务器未接受本次提交');
	await expect(notice).toContainText('请联系当地自考办');
	await expect(phone.getByTestId('notice-reason')).toContainText('原因：');
	// Not the text of a candidate who failed too often: nothing was counted.
	await expect(phone.getByTestId('contact-office')).toHaveCount(0);

	// The refusal is saved: a reload shows it again and sends nothing.
	await phone.reload();
	await expectStatus(phone, 'contact_office');
	await expect(phone.getByTestId('notice')).toContainText('服务器未接受本次提交');
	await phone.getByRole('button', { name: 'English' }).click();
	await expect(phone.getByTestId('notice')).toContainText('contact your local self-study exam office');
	await expect(phone.getByTestId('notice-reason')).toContainText('Reason:');
	expect(answers).toHaveLength(1);
	await expect(pc.getByTestId('pc-status')).not.toHaveText('身份确认已完成');
});
