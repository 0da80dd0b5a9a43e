import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { randomIdentity, rng } from '../../support/idcard/identities.ts';
import { readFileSync } from 'node:fs';
import { defaultCameraClip, referencePhotoOf } from './camera.ts';
import { rememberAddress } from './idcard.ts';
import { fixturePath } from './phone.ts';
import { REGISTRATION_TOKEN } from './server-env.ts';

/**
 * A fresh candidate registered through the registration API, for tests that use up a candidate's attempts or
 * confirm one (a confirmed candidate cannot be confirmed again): the seeded demo candidates stay usable by every
 * other test. With `reference`, the record carries a reference photo of the person the fake camera plays (`clip`), whose
 * registration photo `photo()` uploads and whose face the generated ID card shows (another frame of his video, read
 * from ../shared/fixtures now, never copied into the repository): the office's approved photo (Fujian), the previous
 * registration's (Hubei) or the authority's (Beijing). The server's own face match then confirms a genuine run. A fixture path as `reference` gives someone else's photo as the
 * reference (`['faces', 'lfw_Yao_Ming_1.jpg']`): the server's face match then refuses the genuine run.
 */
export async function registerCandidate(
	request: APIRequestContext,
	province: 'beijing' | 'fujian' | 'hubei',
	seed: number,
	reference: boolean | [folder: string, file: string] = false,
	clip = defaultCameraClip()
): Promise<string> {
	const referenceFile = Array.isArray(reference) ? fixturePath(...reference) : referencePhotoOf(clip);
	const identity = randomIdentity(rng(seed));
	const source = { beijing: 'authority', fujian: 'pre_registration', hubei: 'previous_registration' }[
		province
	];
	const referencePhoto = reference
		? { source, jpeg: readFileSync(referenceFile).toString('base64') }
		: undefined;
	const response = await request.post('/api/registration/candidates', {
		headers: { authorization: `Bearer ${REGISTRATION_TOKEN}` },
		data: {
			idNumber: identity.idNumber,
			name: identity.name,
			sex: identity.sex,
			ethnicity: identity.ethnicity,
			birthDate: identity.birthDate,
			address: identity.address,
			phone: '13900000000',
			major: '汉语言文学',
			// A confirmable candidate sits in an exam area of their own: they all upload the same man's photo, which in
			// one area would be the same face under several ID numbers (held for review as a duplicate identity).
			examArea: reference ? `测试考区${seed}` : '测试考区',
			province,
			...(referencePhoto ? { referencePhoto } : {})
		}
	});
	expect(response.status(), await response.text()).toBe(200);
	rememberAddress(identity.idNumber, identity.address);
	return identity.idNumber;
}

/** A candidate the genuine e2e flow confirms: fresh, with the reference photo of the uploaded photo's person. */
export const confirmableCandidate = (
	request: APIRequestContext,
	province: 'beijing' | 'fujian' | 'hubei',
	clip = defaultCameraClip()
) => registerCandidate(request, province, Math.floor(Math.random() * 1e9), true, clip);

export const DEMO_ID = '110105199003071239';

/** The fictional demo candidates the server seeds, one per province (src/lib/server/seed.ts). */
export const DEMO_IDS = {
	beijing: DEMO_ID,
	fujian: '350102199205143021',
	hubei: '420102198809214517'
} as const;

/** The phone numbers on record: the demo candidates' (seed.ts), and registerCandidate's for everyone else. */
export const phoneOnRecord = (idNumber: string) =>
	({ [DEMO_IDS.beijing]: '13800138000', [DEMO_IDS.fujian]: '13800138001', [DEMO_IDS.hubei]: '13800138002' })[
		idNumber
	] ?? '13900000000';

/** The newest sign-in code sent to `phone`, read from the development outbox (/dev/outbox). */
export async function codeFromOutbox(request: APIRequestContext, phone: string): Promise<string> {
	const html = await (await request.get('/dev/outbox')).text();
	for (const item of html.split('<li>').slice(1)) {
		if (!item.includes(`<strong>${phone}</strong>`)) continue;
		const code = /验证码为\s*(\d{6})/.exec(item)?.[1];
		if (code) return code;
	}
	throw new Error(`no sign-in code for ${phone} in the outbox`);
}

/**
 * Signs in on a code sign-in page already open (/pc or /signin): ID number and phone number, the code from the
 * outbox, then `submit` (the page's button). A resend asked too soon after an earlier test's is waited out.
 */
export async function signInWithCode(
	page: Page,
	idNumber: string,
	submit: string,
	phone = phoneOnRecord(idNumber)
) {
	await page.getByLabel('身份证号码').fill(idNumber);
	await page.getByLabel('报名时填写的手机号码').fill(phone);
	for (let tries = 0; ; tries++) {
		await page.getByRole('button', { name: '获取短信验证码' }).click();
		const sent = page.getByTestId('code-sent');
		const tooSoon = page.getByRole('alert').filter({ hasText: '秒后再重新获取' });
		await expect(sent.or(tooSoon)).toBeVisible();
		if (await sent.isVisible()) break;
		if (tries > 3) throw new Error('no code sent');
		await page.waitForTimeout(3500);
		await page.reload();
		await page.getByLabel('身份证号码').fill(idNumber);
		await page.getByLabel('报名时填写的手机号码').fill(phone);
	}
	await page.getByLabel('短信验证码').fill(await codeFromOutbox(page.request, phone));
	await page.getByRole('button', { name: submit }).click();
}

/** The PC side: sign in with an SMS code, then read the phone link the QR code encodes (shown under it too). */
export async function startOnPc(pc: Page, idNumber = DEMO_ID): Promise<string> {
	await pc.goto('/pc');
	await signInWithCode(pc, idNumber, '登录并生成二维码');
	await expect(pc.getByRole('img', { name: '手机身份确认链接二维码' })).toBeVisible();
	return (await pc.getByTestId('phone-link').getAttribute('href'))!;
}

export async function openPhone(browser: Browser, link: string): Promise<Page> {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		isMobile: true,
		hasTouch: true,
		// A candidate allows what the phone asks for: Hubei's check before consent refuses a denied microphone, and
		// a permission not granted here reads as denied.
		permissions: ['camera', 'microphone']
	});
	const phone = await context.newPage();
	await phone.goto(link);
	return phone;
}
