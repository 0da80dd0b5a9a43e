import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { randomIdentity, rng } from '../../support/idcard/identities.ts';
import { readFileSync } from 'node:fs';
import { fixturePath } from './phone.ts';
import { REGISTRATION_TOKEN } from './server-env.ts';

/**
 * A fresh candidate registered through the registration API, for tests that use up a candidate's attempts or
 * confirm one (a confirmed candidate cannot be confirmed again): the seeded demo candidates stay usable by every
 * other test. With `reference`, the record carries a reference photo of the man whose registration photo `photo()`
 * uploads (an earlier picture of him, read from ../shared/fixtures now, never copied into the repository): the
 * server's own face match then confirms a genuine run.
 */
export async function registerCandidate(
	request: APIRequestContext,
	province: 'beijing' | 'fujian' | 'hubei',
	seed: number,
	reference = false
): Promise<string> {
	const identity = randomIdentity(rng(seed));
	const referencePhoto = reference
		? {
				source: province === 'beijing' ? 'authority' : 'previous_registration',
				jpeg: readFileSync(fixturePath('idphotos', 'blue_bg_man_original_358x441.jpg')).toString('base64')
			}
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
	return identity.idNumber;
}

/** A candidate the genuine e2e flow confirms: fresh, with the reference photo of the uploaded photo's person. */
export const confirmableCandidate = (request: APIRequestContext, province: 'beijing' | 'fujian' | 'hubei') =>
	registerCandidate(request, province, Math.floor(Math.random() * 1e9), true);

export const DEMO_ID = '110105199003071239';

/** The fictional demo candidates the server seeds, one per province (src/lib/server/seed.ts). */
export const DEMO_IDS = {
	beijing: DEMO_ID,
	fujian: '350102199205143021',
	hubei: '420102198809214517'
} as const;

/** The PC side: ask for a QR code and read the phone link it encodes (shown under it for people who cannot scan). */
export async function startOnPc(pc: Page, idNumber = DEMO_ID): Promise<string> {
	await pc.goto('/pc');
	await pc.getByLabel('身份证号码').fill(idNumber);
	await pc.getByRole('button', { name: '生成手机扫码二维码' }).click();
	await expect(pc.getByRole('img', { name: '手机身份确认链接二维码' })).toBeVisible();
	return (await pc.getByTestId('phone-link').getAttribute('href'))!;
}

export async function openPhone(browser: Browser, link: string): Promise<Page> {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		isMobile: true,
		hasTouch: true,
		permissions: ['camera']
	});
	const phone = await context.newPage();
	await phone.goto(link);
	return phone;
}
