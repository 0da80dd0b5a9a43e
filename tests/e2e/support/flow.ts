import { expect, type Browser, type Page } from '@playwright/test';

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
