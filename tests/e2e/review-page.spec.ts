// The review page renders every reason of a case, however many share a code: two `duplicate_face` reasons (the
// same face under two other ID numbers) were keyed by their code, and the page came out blank. Each names the other
// candidate's outcome, shown beside this case (record and photo) with a link to its own case; only outcomes of the
// case's own province. Then the real thing: two candidates of one province, in two exam areas, confirm on the phone
// with the same face; the second is held, and the reviewer compares the two photos, follows the link, keeps the
// first confirmation (recorded before the flag) and rejects the second.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { expect, test, type Page } from '@playwright/test';
import { REJECTED_BY_REVIEW } from '../../src/lib/core/outcome.ts';
import { maskIdNumber } from '../../src/lib/core/mask.ts';
import { confirmableCandidate, DEMO_IDS, startOnPc } from './support/flow.ts';
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
import { REGISTRATION_TOKEN } from './support/server-env.ts';
import { startOwnServer } from './support/own-server.ts';

const PORT = Number(process.env.ZV_E2E_PORT ?? 3210) + 1;
const PASSWORD = 'review page e2e password';
const HUBEI_OTHERS = [
	['420102199001010011', '十堰市'],
	['420102199001010022', '恩施土家族苗族自治州']
] as const;

const duplicate = (other: { candidateId: number; outcomeId: number }, similarity: number) => ({
	code: 'duplicate_face',
	zh: '同一省份另一身份证号码的照片与此人脸相同',
	en: 'The same face appears under another ID number in this province',
	otherCandidateId: other.candidateId,
	otherOutcomeId: other.outcomeId,
	similarity
});

/**
 * A case held for review with two duplicate_face reasons naming two other candidates' outcomes, written into the
 * server's stopped database.
 */
async function seedCase(dataDir: string): Promise<number> {
	const db = new PGlite(dataDir);
	try {
		const outcomeOf = async (idNumber: string, result: string, reasons: object[]) => {
			const { rows } = await db.query<{ id: number; province: string }>(
				'select id, province from candidates where id_number = $1',
				[idNumber]
			);
			const sessionId = randomUUID();
			await db.query(
				`insert into verification_sessions (id, candidate_id, province, token_hash, token_expires_at, pc_secret_hash, status)
				 values ($1, $2, $3, $4, now(), $5, 'review')`,
				[sessionId, rows[0].id, rows[0].province, randomUUID(), randomUUID()]
			);
			const outcome = await db.query<{ id: number }>(
				`insert into outcomes (session_id, candidate_id, result, bundle, bundle_sha256, review_status, review_reasons)
				 values ($1, $2, $3, '{"payload":{"steps":[]}}', $4, 'pending', $5) returning id`,
				[sessionId, rows[0].id, result, randomUUID(), JSON.stringify(reasons)]
			);
			return { candidateId: rows[0].id, outcomeId: outcome.rows[0].id };
		};
		// Two more Hubei candidates, in other exam areas, as the province-wide search finds them.
		for (const [idNumber, area] of HUBEI_OTHERS)
			await db.query(
				`insert into candidates (id_number, name, sex, ethnicity, birth_date, address, phone, major, exam_area, province)
				 select $1, name || $1, sex, ethnicity, birth_date, address, phone, major, $2, province
				 from candidates where id_number = $3`,
				[idNumber, area, DEMO_IDS.hubei]
			);
		const first = await outcomeOf(HUBEI_OTHERS[0][0], 'confirmed', []);
		const second = await outcomeOf(HUBEI_OTHERS[1][0], 'confirmed', []);
		// Another province's outcome named by a reason (however it got there) is not shown.
		const beijing = await outcomeOf(DEMO_IDS.beijing, 'confirmed', []);
		return (
			await outcomeOf(DEMO_IDS.hubei, 'review', [
				duplicate(first, 0.91),
				duplicate(second, 0.87),
				duplicate(beijing, 0.95)
			])
		).outcomeId;
	} finally {
		await db.close();
	}
}

test('a case with two duplicate_face reasons shows both on the review page', async ({ page }) => {
	const dataDir = mkdtempSync(join(tmpdir(), 'zv-e2e-review-'));
	const env = { ZV_DATA_DIR: dataDir, ZV_ADMIN_PASSWORD: PASSWORD, ZV_ADMIN_USERNAME: 'review-admin' };
	// The first start creates the database (migrations, demo candidates); the case is written while it is stopped.
	await (await startOwnServer(PORT, env)).stop();
	const caseId = await seedCase(dataDir);
	const server = await startOwnServer(PORT, env);
	try {
		await page.goto(`${server.url}/staff`);
		await page.getByLabel('用户名').fill('review-admin');
		await page.getByLabel('密码').fill(PASSWORD);
		await page.getByRole('button', { name: /登录/ }).click();
		await expect(page).toHaveURL(/\/staff\/review/);
		const errors: string[] = [];
		page.on('pageerror', (e) => errors.push(e.message));
		await page.goto(`${server.url}/staff/review/${caseId}`);
		await page.waitForLoadState('networkidle');
		await expect(page.getByRole('heading', { level: 1 })).toContainText(`#${caseId}`);
		const reasons = page
			.getByRole('listitem')
			.filter({ hasText: '同一省份另一身份证号码的照片与此人脸相同' });
		await expect(reasons).toHaveCount(3);
		await expect(reasons.nth(0)).toContainText('0.910');
		await expect(reasons.nth(1)).toContainText('0.870');
		// This record has no reference photo: the page says so where it would be.
		await expect(page.getByTestId('reference-photo')).toContainText('无参考照片');
		// Side by side: this case's record beside each other candidate's, with a link to the other case.
		const pairs = page.getByTestId('counterpart');
		await expect(pairs).toHaveCount(2);
		await expect(pairs.getByTestId('counterpart-id')).toHaveText(
			HUBEI_OTHERS.map(([id]) => maskIdNumber(id))
		);
		await expect(pairs.nth(0).getByTestId('this-id')).toHaveText(maskIdNumber(DEMO_IDS.hubei));
		// When it was recorded, on the offices' clock (China time), whatever the reviewer's browser says.
		const recorded = pairs
			.nth(0)
			.locator('dd')
			.filter({ hasText: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/ });
		await expect(recorded).toHaveCount(1);
		await expect(page.getByText(maskIdNumber(DEMO_IDS.beijing))).toHaveCount(0);
		await pairs.nth(1).getByRole('link').click();
		await expect(page.getByRole('heading', { level: 1 })).toContainText(`#${caseId - 2}`);
		expect(errors).toEqual([]);
	} finally {
		await server.stop();
	}
});

test('two candidates with the same face confirm: the second is held, the reviewer sees both photos side by side', async ({
	browser
}) => {
	test.setTimeout(600_000);
	const server = await startOwnServer(PORT, {
		ZV_DATA_DIR: mkdtempSync(join(tmpdir(), 'zv-e2e-dup-')),
		ZV_ADMIN_USERNAME: 'review-admin',
		ZV_ADMIN_PASSWORD: PASSWORD,
		ZV_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
		ZV_DEV_PAGES: '1',
		ZV_SMS_RESEND_SECONDS: '3'
	});
	try {
		const context = await browser.newContext({ baseURL: server.url });
		const pc = await context.newPage();
		// Each in an exam area of their own (confirmableCandidate), both uploading the camera man's photo.
		const ids: string[] = [];
		const phones: Page[] = [];
		for (let i = 0; i < 2; i++) {
			const id = await confirmableCandidate(context.request, 'beijing');
			ids.push(id);
			const phone = await openPhoneAs(browser, await startOnPc(pc, id), null);
			phones.push(phone);
			await consent(phone);
			await idCards(phone, ['portrait', 'emblem']);
			await confirmRecord(phone);
			await photo(phone);
			await liveness(phone);
			await submit(phone);
			await expectStatus(phone, 'done', 60_000);
		}
		await phones[0].context().close();
		await expect(phones[1].getByRole('heading', { level: 1 })).toHaveText('已提交人工审核', {
			timeout: 30_000
		});

		const reviewer = await context.newPage();
		await reviewer.goto('/staff');
		await reviewer.getByLabel('用户名').fill('review-admin');
		await reviewer.getByLabel('密码').fill(PASSWORD);
		await reviewer.getByRole('button', { name: /登录/ }).click();
		await expect(reviewer).toHaveURL(/\/staff\/review/);
		// Both are in the queue: the second held, the first (confirmed earlier) sent back to review.
		const rowOf = (id: string) => reviewer.getByRole('row').filter({ hasText: maskIdNumber(id) });
		await expect(rowOf(ids[0])).toHaveCount(1);
		await rowOf(ids[1]).getByRole('link').click();
		await expect(reviewer.locator('dd').first()).toHaveText(ids[1]);
		// The record's reference photo beside the final photo, with where it came from.
		const reference = reviewer.getByTestId('reference-photo');
		await expect(reference.getByRole('img', { name: '报名档案参考照片' })).toBeVisible();
		await expect(reference.locator('figcaption')).toHaveText(/^参考照片（.+）$/);
		const pair = reviewer.getByTestId('counterpart');
		await expect(pair).toHaveCount(1);
		await expect(pair.getByTestId('this-id')).toHaveText(maskIdNumber(ids[1]));
		await expect(pair.getByTestId('counterpart-id')).toHaveText(maskIdNumber(ids[0]));
		await expect(pair.getByTestId('counterpart-confirmed')).toContainText('手机确认');
		// Both photos the server holds, side by side, loaded.
		const photos = pair.getByRole('img');
		await expect(photos).toHaveCount(2);
		for (const img of await photos.all())
			expect(await img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
		const [left, right] = [await photos.nth(0).boundingBox(), await photos.nth(1).boundingBox()];
		expect(right!.x).toBeGreaterThanOrEqual(left!.x + left!.width);
		expect(Math.abs(right!.y - left!.y)).toBeLessThan(left!.height);
		await expect(reviewer.getByTestId('held-confirmation')).toHaveCount(0);
		// The link leads to the other case, which names this one: a confirmation recorded before the flag.
		await pair.getByRole('link').click();
		await expect(reviewer.locator('dd').first()).toHaveText(ids[0]);
		await expect(reviewer.getByTestId('counterpart-id')).toHaveText(maskIdNumber(ids[1]));
		await expect(reviewer.getByTestId('status')).toHaveText('confirmed / pending');
		await expect(reviewer.getByTestId('held-confirmation')).toContainText('通过则保留确认');
		// The reviewer keeps the first confirmation and withdraws the second candidate's.
		const caseOf = async (id: string, decision: '通过' | '不通过', comment: string) => {
			await reviewer.getByLabel('审核意见').fill(comment);
			await reviewer.getByRole('button', { name: decision, exact: true }).click();
			await expect(reviewer).toHaveURL(/\/staff\/review$/);
			await expect(rowOf(id)).toHaveCount(0);
		};
		await caseOf(ids[0], '通过', '本人照片一致');
		await rowOf(ids[1]).getByRole('link').click();
		await caseOf(ids[1], '不通过', '与另一考生为同一人');
		// The second candidate, opening the phone page again, is told the reviewer's decision, not a failed attempt.
		await phones[1].reload();
		await expect(phones[1].getByRole('heading', { level: 1 })).toHaveText('身份确认未通过');
		await expect(phones[1].getByTestId('done')).toHaveText(REJECTED_BY_REVIEW.zh);
		await phones[1].context().close();
	} finally {
		await server.stop();
	}
});
