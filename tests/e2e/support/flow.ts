import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { randomIdentity, rng } from '../../support/idcard/identities.ts';
import { REGISTRATION_TOKEN } from './server-env.ts';

/**
 * A fresh candidate registered through the registration API, for tests that use up a candidate's attempts:
 * the seeded demo candidates stay usable by every other test.
 */
export async function registerCandidate(
	request: APIRequestContext,
	province: 'beijing' | 'fujian' | 'hubei',
	seed: number
): Promise<string> {
	const identity = randomIdentity(rng(seed));
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
			examArea: '测试考区',
			province
		}
	});
	expect(response.status(), await response.text()).toBe(200);
	return identity.idNumber;
}

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
