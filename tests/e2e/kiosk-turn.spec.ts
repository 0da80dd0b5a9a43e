// One candidate after another on the same exam-centre tablet: what the next person at the tablet can get of the
// previous candidate. Each test is what that person tries (the start page's resume offer, the back button, the
// previous link, the browser's storage) after the turn ended one way: the tab closed mid-flow, the tablet left
// untouched, the staff member's attestation.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { KIOSK_IDLE_MS } from '../../src/lib/core/kiosk.ts';
import { confirmableCandidate, DEMO_ID, openPhone, startOnPc } from './support/flow.ts';
import { freshServerPerTest, startOwnServer, type OwnServer } from './support/own-server.ts';
import { confirmRecord, consent, expectStatus, idCards, liveness, photo, submit } from './support/phone.ts';
import { storedSessions } from './support/phone-store.ts';

const PORT = process.env.ZV_E2E_PORT ? Number(process.env.ZV_E2E_PORT) + 22 : 3232;
const PASSWORD = 'kiosk turn e2e password only';
const NAME = '王小明';
let server: OwnServer;

test.beforeAll(async () => {
	server = await startOwnServer(PORT, { ZV_ADMIN_PASSWORD: PASSWORD, ZV_ADMIN_USERNAME: 'desk-admin' });
});
test.afterAll(async () => server?.stop());

const tablet = (browser: import('@playwright/test').Browser) =>
	browser.newContext({
		baseURL: `http://localhost:${PORT}`,
		viewport: { width: 800, height: 1280 },
		hasTouch: true,
		permissions: ['camera', 'microphone']
	});

/** The staff member signs in and starts the demo candidate's turn: the tablet is on the candidate's link. */
async function startTurn(page: Page): Promise<string> {
	await page.goto('/kiosk');
	const username = page.getByLabel('用户名');
	const search = page.getByLabel('身份证号码');
	// Signed in already (an earlier turn in this browser), the page shows the search at once.
	await expect(username.or(search)).toBeVisible();
	if (await username.isVisible()) {
		await username.fill('desk-admin');
		await page.getByLabel('密码').fill(PASSWORD);
		await page.getByRole('button', { name: '登录' }).click();
	}
	await search.fill(DEMO_ID);
	await page.getByRole('button', { name: '查找考生' }).click();
	await page.getByRole('button', { name: /开始现场核验/ }).click();
	await page.waitForURL(/\/m\//);
	return new URL(page.url()).pathname;
}

/** What this browser keeps of any flow (IndexedDB), as JSON, and the pages in its page cache that name the candidate. */
async function leftOnTablet(page: Page): Promise<{ sessions: string[]; linkKeys: number; cached: string[] }> {
	return page.evaluate(async (name) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('zikao-verify');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		const read = <T>(store: string) =>
			new Promise<T[]>((resolve) => {
				if (!db.objectStoreNames.contains(store)) return resolve([]);
				const r = db.transaction(store).objectStore(store).getAll();
				r.onsuccess = () => resolve(r.result);
			});
		const sessions = await read<{ record: object; flow: { status: string }; idPortrait?: unknown }>(
			'sessions'
		);
		const linkKeys = await read('linkKeys');
		db.close();
		// The pages the service worker keeps (the app's own code is precached too, and holds demo names).
		const cached: string[] = [];
		for (const cacheName of (await caches.keys()).filter((c) => c === 'zv-pages')) {
			const cache = await caches.open(cacheName);
			for (const request of await cache.keys()) {
				const body = await (await cache.match(request))!.text().catch(() => '');
				if (body.includes(name)) cached.push(request.url);
			}
		}
		return {
			sessions: sessions.map((s) =>
				JSON.stringify({ status: s.flow.status, record: s.record, idPortrait: !!s.idPortrait })
			),
			linkKeys: linkKeys.length,
			cached
		};
	}, NAME);
}

/** The next person's attempts: the start page's resume offer, the earlier link, the browser's storage. */
async function nextPersonFindsNothing(context: BrowserContext, link: string) {
	const next = await context.newPage();
	await next.goto('/');
	// Once the start page has looked at the storage, it is empty and it offers nothing to resume.
	await expect.poll(() => leftOnTablet(next)).toEqual({ sessions: [], linkKeys: 0, cached: [] });
	await expect(next.getByTestId('resume')).toHaveCount(0);
	await next.goto(link);
	await expect(next.getByRole('alert')).toBeVisible();
	await expect(next.getByText(NAME)).toHaveCount(0);
	await next.close();
}

test('a turn abandoned mid-flow (its tab closed) leaves the next person nothing to resume or read', async ({
	browser
}) => {
	const context = await tablet(browser);
	const page = await context.newPage();
	const link = await startTurn(page);
	await consent(page);
	await idCards(page, ['portrait', 'emblem']);
	await expectStatus(page, 'confirm_record');
	// The card portrait and the record are on the tablet while the turn runs.
	const during = await leftOnTablet(page);
	console.log('during the turn:', JSON.stringify(during));
	expect(during.sessions.join()).toContain(NAME);
	await page.close();
	await nextPersonFindsNothing(context, link);
	await context.close();
});

test('a turn left untouched ends by itself: the tablet returns to the desk and forgets it', async ({
	browser
}) => {
	const context = await tablet(browser);
	const page = await context.newPage();
	// The page's clock, so the test moves time on rather than waiting KIOSK_IDLE_MS.
	await page.clock.install();
	const link = await startTurn(page);
	await consent(page);
	await expectStatus(page, 'id_capture');
	await page.clock.fastForward(KIOSK_IDLE_MS + 1_000);
	await page.waitForURL(/\/kiosk$/);
	await expect(page.getByRole('heading', { name: '现场确认' })).toBeVisible();
	await expect(page.getByText('进行中')).toHaveCount(0);
	await expect.poll(async () => (await leftOnTablet(page)).sessions).toEqual([]);
	// Left at the desk as long again, the tablet signs the staff member out.
	await page.clock.fastForward(KIOSK_IDLE_MS + 1_000);
	await expect(page.getByRole('heading', { name: '工作人员登录' })).toBeVisible();
	await page.goBack();
	await expect(page.getByText(NAME)).toHaveCount(0);
	await nextPersonFindsNothing(context, link);
	await context.close();
});

test('after the attestation the back button and the earlier link show nothing of the candidate', async ({
	browser
}) => {
	const context = await tablet(browser);
	const page = await context.newPage();
	const link = await startTurn(page);
	await consent(page);
	await page.getByRole('link', { name: '工作人员确认' }).first().click();
	await page.getByLabel('证件与本人一致，确认通过').check();
	await page.getByLabel(/工作人员密码/).fill(PASSWORD);
	await page.getByRole('button', { name: '提交确认' }).click();
	await expect(page.getByTestId('attested')).toContainText('现场确认通过');
	expect((await leftOnTablet(page)).sessions).toEqual([]);
	await page.goBack();
	await expect(page.getByRole('alert')).toBeVisible();
	await expect(page.getByText(NAME)).toHaveCount(0);
	await nextPersonFindsNothing(context, link);
	await context.close();
});

// The borrowed phone confirms the man the fake camera plays under a new Beijing ID number: on the shared server,
// a later spec's Beijing confirmation of him would be held as a duplicate identity, so it runs on a server of its own.
test.describe(() => {
	freshServerPerTest();

	test('a borrowed phone keeps the draft while the flow runs, and only the outcome once it has ended', async ({
		browser,
		page: pc,
		request
	}) => {
		const id = await confirmableCandidate(request, 'beijing');
		const phone = await openPhone(browser, await startOnPc(pc, id));
		await consent(phone);
		await idCards(phone, ['portrait', 'emblem']);
		await confirmRecord(phone);
		await photo(phone);
		// Mid-flow, the draft is what a reload resumes from.
		const [during] = await storedSessions(phone);
		expect(during.record.idNumber).toBe(id);
		expect(during.photo?.bytes).toBeGreaterThan(0);
		await liveness(phone);
		await submit(phone);
		await expectStatus(phone, 'done', 60_000);
		// Whoever uses the phone next: the result screen's own answer, nothing of the person or their images.
		const [after] = await storedSessions(phone);
		expect(after.status).toBe('done');
		expect(JSON.stringify(after)).not.toContain(id);
		expect(after.record.name ?? '').toBe('');
		expect(after).toMatchObject({
			idPortrait: false,
			draftSides: [],
			clipBytes: 0,
			photo: null,
			evidence: []
		});
		await phone.reload();
		await expectStatus(phone, 'done');
		await phone.context().close();
	});
});
