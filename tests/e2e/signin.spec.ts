// A candidate's sign-in on the phone: the installed app's start page offers the sign-in the province allows,
// Beijing signs in with an SMS code (read from the development outbox) and does the whole flow on the same phone,
// a returning candidate resumes, and wrong, used-up and too many codes each say so in Chinese and English.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { DEMO_IDS, codeFromOutbox, phoneOnRecord, registerCandidate } from './support/flow.ts';
import { confirmRecord, consent, expectStatus, idCards, liveness, photo, submit } from './support/phone.ts';

const origin = () => String(test.info().project.use.baseURL);

async function phoneAt(browser: Browser, path: string): Promise<Page> {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		isMobile: true,
		hasTouch: true,
		permissions: ['camera', 'microphone']
	});
	const phone = await context.newPage();
	await phone.goto(`${origin()}${path}`);
	return phone;
}

/** The installed app opens its manifest's start_url: from there to the sign-in Beijing allows. */
async function fromStartPage(phone: Page): Promise<void> {
	const manifest = await (await phone.request.get(`${origin()}/manifest.webmanifest`)).json();
	await phone.goto(`${origin()}${manifest.start_url}`);
	await phone.getByRole('button', { name: '北京市' }).click();
	await expect(phone.getByTestId('sign-in-options')).not.toContainText('扫描');
	await phone.getByRole('link', { name: '用手机号和短信验证码登录' }).click();
	await expect(phone.getByRole('heading', { name: '考生登录' })).toBeVisible();
}

async function requestCode(phone: Page, idNumber: string, number = phoneOnRecord(idNumber)) {
	await phone.getByLabel('身份证号码').fill(idNumber);
	await phone.getByLabel('报名时填写的手机号码').fill(number);
	await phone.getByRole('button', { name: '获取短信验证码' }).click();
	await expect(phone.getByTestId('code-sent')).toContainText(`${number.slice(0, 3)}****${number.slice(-4)}`);
	await expect(phone.getByTestId('code-sent')).toContainText('5 分钟内有效');
}

test('Beijing: the start page leads to the SMS-code sign-in; the whole flow runs on the phone; a return resumes', async ({
	browser
}) => {
	const phone = await phoneAt(browser, '/');
	await fromStartPage(phone);
	await requestCode(phone, DEMO_IDS.beijing);
	// The resend button counts down before it can be used again.
	await expect(phone.getByTestId('resend')).toBeDisabled();
	await expect(phone.getByTestId('resend')).toHaveText(/重新获取验证码（\d+ 秒）/);
	await phone
		.getByLabel('短信验证码')
		.fill(await codeFromOutbox(phone.request, phoneOnRecord(DEMO_IDS.beijing)));
	await phone.getByRole('button', { name: '登录并开始身份确认' }).click();
	await expect(phone).toHaveURL(/\/m\/[A-Za-z0-9_-]{16,}$/);
	const link = phone.url();
	await consent(phone);
	// The record shows the phone number and address masked.
	await idCards(phone, ['portrait', 'emblem']);
	await expect(phone.getByText('138****8000')).toBeVisible();
	// Back to the start page (as when the installed app is opened again): it offers to continue.
	await phone.goto(`${origin()}/`);
	await phone.getByTestId('resume').getByRole('link').click();
	await expect(phone).toHaveURL(link);
	await confirmRecord(phone);
	await photo(phone);
	await liveness(phone);
	await submit(phone);
	await expectStatus(phone, 'done');
	await phone.context().close();
});

test('a Fujian candidate on the phone start page is told to use the registration site on a PC', async ({
	browser
}) => {
	const phone = await phoneAt(browser, '/');
	await phone.getByRole('button', { name: '福建省' }).click();
	await expect(phone.getByTestId('sign-in-options')).toContainText('请在电脑上登录报名网站');
	await expect(phone.getByRole('link', { name: '用手机号和短信验证码登录' })).toHaveCount(0);
	await phone.context().close();
});

test('wrong, used-up and too many codes each give a clear message, in Chinese and in English', async ({
	browser,
	request
}) => {
	const idNumber = await registerCandidate(request, 'beijing', 7301);
	const phone = await phoneAt(browser, '/signin');
	await requestCode(phone, idNumber);
	const code = await codeFromOutbox(phone.request, phoneOnRecord(idNumber));
	const wrong = code === '000000' ? '111111' : '000000';

	await phone.getByLabel('短信验证码').fill(wrong);
	await phone.getByRole('button', { name: '登录并开始身份确认' }).click();
	await expect(phone.getByRole('alert')).toHaveText('验证码错误，还可以再试 4 次');
	await phone.getByRole('button', { name: 'English' }).click();
	await expect(phone.getByRole('alert')).toHaveText('The code is wrong; 4 tries left.');
	await phone.getByRole('button', { name: '中文' }).click();

	for (let left = 3; left >= 1; left--) {
		await phone.getByLabel('短信验证码').fill(wrong);
		await phone.getByRole('button', { name: '登录并开始身份确认' }).click();
		await expect(phone.getByRole('alert')).toHaveText(`验证码错误，还可以再试 ${left} 次`);
	}
	await phone.getByLabel('短信验证码').fill(wrong);
	await phone.getByRole('button', { name: '登录并开始身份确认' }).click();
	await expect(phone.getByRole('alert')).toContainText('验证码错误次数过多（5 次），此验证码已作废');
	await phone.getByRole('button', { name: 'English' }).click();
	await expect(phone.getByRole('alert')).toContainText(
		'Too many wrong codes (5); this code no longer works.'
	);
	await phone.getByRole('button', { name: '中文' }).click();
	// Even the right code no longer works.
	await phone.getByLabel('短信验证码').fill(code);
	await phone.getByRole('button', { name: '登录并开始身份确认' }).click();
	await expect(phone.getByRole('alert')).toContainText('验证码错误次数过多');

	// A new code (after the resend countdown) signs in once; used again, it has expired.
	await expect(phone.getByTestId('resend')).toBeEnabled({ timeout: 10_000 });
	await phone.getByTestId('resend').click();
	await expect(phone.getByTestId('code-sent')).toBeVisible();
	const fresh = await codeFromOutbox(phone.request, phoneOnRecord(idNumber));
	expect(fresh).not.toBe(code);
	const other = await phoneAt(browser, '/signin');
	await phone.getByLabel('短信验证码').fill(fresh);
	await phone.getByRole('button', { name: '登录并开始身份确认' }).click();
	await expect(phone).toHaveURL(/\/m\//);
	// The same code from another browser: used once, so no longer valid.
	await other.getByLabel('身份证号码').fill(idNumber);
	await other.getByLabel('报名时填写的手机号码').fill(phoneOnRecord(idNumber));
	await other.evaluate(() => {
		const form = document.querySelector('form')!;
		form.action = '?/start';
	});
	await other.locator('form').evaluate(
		(form, values) => {
			for (const [name, value] of Object.entries(values)) {
				const input = document.createElement('input');
				input.type = 'hidden';
				input.name = name;
				input.value = value;
				form.appendChild(input);
			}
		},
		{ code: fresh }
	);
	await other.locator('form').evaluate((form) => (form as HTMLFormElement).submit());
	await expect(other.getByRole('alert')).toContainText('验证码已失效（5 分钟内有效，只能使用一次）');
	await other.getByRole('button', { name: 'English' }).click();
	await expect(other.getByRole('alert')).toContainText(
		'The code is no longer valid (codes last 5 minutes and work once)'
	);
	await phone.context().close();
	await other.context().close();
});
