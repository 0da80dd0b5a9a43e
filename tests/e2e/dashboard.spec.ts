// The office dashboard on seeded data: a reviewer (created by the admin) rejects one of the seeded review cases through
// the API, an office account opens the dashboard, every chart renders with the seeded totals and that decision (read
// from its table alternative: top reasons per day, cases decided per reviewer per day among them), axe finds no
// serious issue, a screenshot is kept; ECharts is loaded there and never by the candidate's phone page.
import AxeBuilder from '@axe-core/playwright';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { expect, test, type Page } from '@playwright/test';
import { CHART_IDS } from '../../src/lib/server/services/dashboard.ts';
import { DEMO_IDS, openPhone, startOnPc } from './support/flow.ts';
import { expectStatus } from './support/phone.ts';
import { storedSessions } from './support/phone-store.ts';
import { startOwnServer } from './support/own-server.ts';

const PORT = Number(process.env.ZV_E2E_PORT ?? 3210) + 1;
const ADMIN = { username: 'dashboard-admin', password: 'dashboard e2e admin password' };
const OFFICE = { username: 'fujian-office', password: 'dashboard e2e office password' };
const REVIEWER = { username: 'fujian-reviewer', password: 'dashboard e2e reviewer password' };
const UA = 'Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile MicroMessenger/8.0';

/** What is seeded for the Fujian demo candidate within the last hours: the totals every chart must show. */
const SEED = { confirmed: 4, review: 3, failed: 2, open: 1, failing: 3 };
const STARTED = SEED.confirmed + SEED.review + SEED.failed + SEED.open;

/** Seeds the sessions; returns the ids of the open review cases. */
async function seed(dataDir: string): Promise<number[]> {
	const db = new PGlite(dataDir);
	const open: number[] = [];
	try {
		const { rows } = await db.query<{ id: number }>('select id from candidates where id_number = $1', [
			DEMO_IDS.fujian
		]);
		const demo = rows[0].id;
		// A candidate is confirmed once: every confirmation after the first is another Fujian candidate's (a copy
		// of the demo record under another number), and the failed attempts are the demo candidate's.
		const others: number[] = [];
		for (let k = 1; k < SEED.confirmed; k++) {
			const copy = await db.query<{ id: number }>(
				`insert into candidates (id_number, name, sex, ethnicity, birth_date, address, phone, major, exam_area, province)
				 select $1, name || $2, sex, ethnicity, birth_date, address, phone, major, exam_area, province
				 from candidates where id = $3 returning id`,
				[`${DEMO_IDS.fujian.slice(0, 14)}${900 + k}X`, String(k), demo]
			);
			others.push(copy.rows[0].id);
		}
		let failing = SEED.failing;
		const results = [
			...Array(SEED.confirmed).fill('confirmed'),
			...Array(SEED.review).fill('review'),
			...Array(SEED.failed).fill('failed'),
			...Array(SEED.open).fill(null)
		];
		for (const [i, result] of results.entries()) {
			const id = randomUUID();
			const at = `now() - interval '${i + 1} hours'`;
			const candidate = result === 'confirmed' && i > 0 ? others[i - 1] : demo;
			await db.query(
				`insert into verification_sessions
					(id, candidate_id, province, token_hash, token_expires_at, pc_secret_hash, device_public_key, created_at)
				 values ($1, $2, 'fujian', $3, now(), $4, '{"kty":"EC"}', ${at})`,
				[id, candidate, randomUUID(), randomUUID()]
			);
			if (candidate === demo && failing > 0) {
				failing--;
				await db.query(
					`insert into failed_attempts (session_id, candidate_id, attempt_no, step_kind, category, counted, bundle, bundle_sha256)
					 values ($1, $2, 1, 'liveness', 'liveness', false, '{}', $3)`,
					[id, candidate, randomUUID()]
				);
				await db.query(
					`insert into audit_log (actor, action, session_id, detail, user_agent) values ('phone', 'attempt.failed', $1, '{}', $2)`,
					[id, UA]
				);
			}
			if (!result) continue;
			const code = result === 'review' ? 'attempts_exhausted' : 'face_mismatch';
			const outcome = await db.query<{ id: number }>(
				`insert into outcomes (session_id, candidate_id, result, bundle, bundle_sha256, review_status, review_reasons, recorded_at)
				 values ($1, $2, $3, '{}', $4, $5, $6, ${at} + interval '10 minutes') returning id`,
				[
					id,
					candidate,
					result,
					randomUUID(),
					result === 'review' ? 'pending' : 'none',
					JSON.stringify(result === 'confirmed' ? [] : [{ code, zh: `原因${code}`, en: code }])
				]
			);
			if (result === 'review') open.push(outcome.rows[0].id);
		}
		// The rows went in directly (the server keeps the counters for what it records itself): summed as the
		// migration's backfill sums them.
		await db.query('select dashboard_counts_rebuild()');
		return open;
	} finally {
		await db.close();
	}
}

async function signIn(page: Page, url: string, who: { username: string; password: string }) {
	await page.goto(`${url}/staff`);
	await page.getByLabel('用户名').fill(who.username);
	await page.getByLabel('密码').fill(who.password);
	await page.getByRole('button', { name: /登录/ }).click();
	await page.waitForURL(/\/staff\//);
}

/** A column's total in a chart's table alternative. */
async function total(page: Page, chart: string, key: string): Promise<number> {
	const cells = await page.getByTestId(`chart-${chart}`).locator(`td[data-key="${key}"]`).allTextContents();
	return cells.reduce((sum, text) => sum + Number(text), 0);
}

/** The built client chunk of the dashboard's ECharts module (the build's manifest names it). */
function echartsChunk(): string {
	const manifest = JSON.parse(readFileSync('.svelte-kit/output/client/.vite/manifest.json', 'utf8'));
	const entry = manifest['src/lib/ui/staff/echarts.ts'];
	expect(entry?.file, 'the ECharts module is a chunk of its own').toBeTruthy();
	return entry.file;
}

test('an office user sees every chart with the seeded totals; the phone never loads ECharts', async ({
	page,
	browser
}, testInfo) => {
	// Two server starts (one to create the database, one on the seeded data) take a while on a busy machine.
	test.setTimeout(300_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'zv-e2e-dashboard-'));
	const env = { ZV_DATA_DIR: dataDir, ZV_ADMIN_PASSWORD: ADMIN.password, ZV_ADMIN_USERNAME: ADMIN.username };
	await (await startOwnServer(PORT, env)).stop();
	const open = await seed(dataDir);
	const server = await startOwnServer(PORT, env);
	try {
		await signIn(page, server.url, ADMIN);
		for (const [who, role] of [
			[OFFICE, 'office'],
			[REVIEWER, 'reviewer']
		] as const) {
			const created = await page.request.post(`${server.url}/api/staff/users`, {
				data: { ...who, role, province: 'fujian' }
			});
			expect(created.status(), await created.text()).toBeLessThan(300);
		}
		// A reviewer decides one case: recorded by the server itself, so its counters move with it.
		await page.context().clearCookies();
		await signIn(page, server.url, REVIEWER);
		expect((await page.request.get(`${server.url}/api/review/${open[0]}`)).status()).toBe(200);
		const decided = await page.request.post(`${server.url}/api/review/${open[0]}`, {
			data: { decision: 'reject', comment: '照片与身份证不符' }
		});
		expect(decided.status(), await decided.text()).toBe(200);
		await page.context().clearCookies();
		await signIn(page, server.url, OFFICE);
		await expect(page).toHaveURL(/\/staff\/dashboard$/);

		const scripts: string[] = [];
		page.on('response', (r) => scripts.push(new URL(r.url()).pathname));
		await page.goto(`${server.url}/staff/dashboard?province=fujian`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('报名确认统计看板');
		for (const id of CHART_IDS)
			// The ECharts chunk (about 550 kB) loads after the page: on a busy 2-core machine that takes a while.
			await expect(page.getByTestId(`chart-${id}`).getByTestId('canvas')).toHaveAttribute(
				'data-rendered',
				'yes',
				{ timeout: 30_000 }
			);
		await expect(page.getByTestId('chart-per_day').locator('canvas')).toHaveCount(1);
		await expect(page.getByTestId('computed-at')).toContainText('数据计算于');

		// The rejected case counts as failed now, and no longer as open.
		for (const chart of ['per_day', 'per_hour']) {
			expect(await total(page, chart, 'started')).toBe(STARTED);
			expect(await total(page, chart, 'confirmed')).toBe(SEED.confirmed);
			expect(await total(page, chart, 'review')).toBe(SEED.review - 1);
			expect(await total(page, chart, 'failed')).toBe(SEED.failed + 1);
		}
		const funnel = await page
			.getByTestId('chart-funnel')
			.locator('td[data-key="sessions"]')
			.allTextContents();
		expect(funnel.map(Number)).toEqual([STARTED, STARTED, 0, STARTED - SEED.open, SEED.confirmed]);
		expect(await total(page, 'reasons', 'n')).toBe(SEED.review + SEED.failed);
		await expect(page.getByTestId('chart-reasons').locator('td[data-key="label"]').first()).toContainText(
			'原因'
		);
		expect(
			(await total(page, 'reasons_per_day', 'attempts_exhausted')) +
				(await total(page, 'reasons_per_day', 'face_mismatch'))
		).toBe(SEED.review + SEED.failed);
		const reviewers = page.getByTestId('chart-reviewer_days');
		await expect(reviewers.locator('th')).toHaveText(['日期', REVIEWER.username]);
		await expect(reviewers.locator('tbody td').nth(1)).toHaveText('1');
		expect(await total(page, 'review_age', 'cases')).toBe(SEED.review - 1);
		// One candidate (the demo ID number) over all their sessions: SEED.failing failed attempts; the other
		// confirmed candidates none.
		const perCandidate = await page
			.getByTestId('chart-attempts')
			.locator('td[data-key="candidates"]')
			.allTextContents();
		expect(perCandidate.map(Number)).toEqual(
			[0, 1, 2, 3, 4, 5].map((k) => (k === SEED.failing ? 1 : k === 0 ? SEED.confirmed - 1 : 0))
		);
		expect(await total(page, 'clients', 'sessions')).toBe(SEED.failing);
		await expect(page.getByTestId('open-cases')).toContainText(`待审核案例：${SEED.review - 1}`);

		// The CSV link serves the same rows as the table.
		const csv = await (
			await page.request.get(
				new URL(
					(await page.getByTestId('chart-funnel').getByTestId('csv').getAttribute('href'))!,
					server.url
				).toString()
			)
		).text();
		expect(
			csv
				.trim()
				.split('\r\n')
				.slice(1)
				.map((line) => Number(line.split(',').at(-1)))
		).toEqual(funnel.map(Number));

		const results = await new AxeBuilder({ page }).analyze();
		const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
		await page.screenshot({ path: testInfo.outputPath('dashboard.png'), fullPage: true });
		await testInfo.attach('dashboard', {
			path: testInfo.outputPath('dashboard.png'),
			contentType: 'image/png'
		});

		const chunk = echartsChunk();
		expect(scripts.some((path) => path.endsWith(chunk))).toBe(true);
		// The candidate's phone page, up to its first screen, downloads no ECharts.
		// (on the shared test server: the same build)
		const phone = await openPhone(browser, await startOnPc(page, DEMO_IDS.hubei));
		const phoneScripts: string[] = [];
		phone.on('response', (r) => phoneScripts.push(new URL(r.url()).pathname));
		// The link is spent once opened: the reload resumes from what the phone saved, so it waits until it is saved.
		await expectStatus(phone, 'consent');
		await expect.poll(async () => (await storedSessions(phone)).length).toBe(1);
		await phone.reload();
		await expectStatus(phone, 'consent');
		expect(phoneScripts.filter((path) => path.endsWith('.js')).length).toBeGreaterThan(0);
		expect(phoneScripts.filter((path) => path.endsWith(chunk))).toEqual([]);
		await phone.context().close();
	} finally {
		await server.stop();
	}
});
