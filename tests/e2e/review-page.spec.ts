// The review page renders every reason of a case, however many share a code: two `duplicate_face` reasons (the
// same face under two other ID numbers) were keyed by their code, and the page came out blank. Each names the other
// candidate's outcome, shown beside this case (record and photo) with a link to its own case.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { expect, test } from '@playwright/test';
import { DEMO_IDS } from './support/flow.ts';
import { startOwnServer } from './support/own-server.ts';

const PORT = Number(process.env.ZV_E2E_PORT ?? 3210) + 1;
const PASSWORD = 'review page e2e password';

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
		const first = await outcomeOf(DEMO_IDS.beijing, 'confirmed', []);
		const second = await outcomeOf(DEMO_IDS.fujian, 'confirmed', []);
		return (await outcomeOf(DEMO_IDS.hubei, 'review', [duplicate(first, 0.91), duplicate(second, 0.87)]))
			.outcomeId;
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
		await expect(reasons).toHaveCount(2);
		await expect(reasons.nth(0)).toContainText('0.910');
		await expect(reasons.nth(1)).toContainText('0.870');
		// Side by side: this case's record beside each other candidate's, with a link to the other case.
		const pairs = page.getByTestId('counterpart');
		await expect(pairs).toHaveCount(2);
		await expect(pairs.getByTestId('counterpart-id')).toHaveText([DEMO_IDS.beijing, DEMO_IDS.fujian]);
		await expect(pairs.nth(0)).toContainText(DEMO_IDS.hubei);
		await pairs.nth(1).getByRole('link').click();
		await expect(page.getByRole('heading', { level: 1 })).toContainText(`#${caseId - 1}`);
		expect(errors).toEqual([]);
	} finally {
		await server.stop();
	}
});
