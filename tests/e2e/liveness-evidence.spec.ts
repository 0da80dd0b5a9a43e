// Liveness evidence on (issue 18 item 2): a server whose policy asks for evidence crops ('frames', test mode's
// ZV_TEST_EVIDENCE_FRAMES for every province) on a server of its own. The consent screen says a few small face
// pictures go to the server and are deleted once the verdict is recorded; the genuine Fujian flow on the fake camera
// sends them with the signed bundle; the server confirms only after its own face engine judged them (read from what
// it recorded, not from the phone); afterwards no crop is on the phone, in the database or on the server's disk.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { PGlite } from '@electric-sql/pglite';
import sharp from 'sharp';
import { EVIDENCE_FRAMES } from '../../src/lib/core/liveness/evidence.ts';
import { resolve } from '../../src/lib/core/policy/resolve.ts';
import { fujian } from '../../src/lib/core/policy/index.ts';
import { confirmableCandidate, startOnPc } from './support/flow.ts';
import { startOwnServer } from './support/own-server.ts';
import {
	confirmRecord,
	consent,
	expectStatus,
	idCards,
	liveness,
	openPhoneAs,
	submit
} from './support/phone.ts';
import { storedSessions } from './support/phone-store.ts';
import { cropTraces } from '../support/crop-traces.ts';
import { E2E_SERVER_ENV } from './support/server-env.ts';

const PORT = Number(process.env.ZV_E2E_PORT ?? 3210) + 1;
test.use({ baseURL: `http://localhost:${PORT}` });

/** The files of a multipart body under `name`, in order. */
function formFiles(body: Buffer, contentType: string, name: string): Buffer[] {
	const boundary = Buffer.from(`--${/boundary=(.+)$/.exec(contentType)![1]}`);
	const files: Buffer[] = [];
	let at = body.indexOf(boundary);
	while (at >= 0) {
		const next = body.indexOf(boundary, at + boundary.length);
		if (next < 0) break;
		const part = body.subarray(at + boundary.length, next);
		const headerEnd = part.indexOf('\r\n\r\n');
		if (part.subarray(0, headerEnd).includes(Buffer.from(`name="${name}"`)))
			files.push(Buffer.from(part.subarray(headerEnd + 4, part.length - 2)));
		at = next;
	}
	return files;
}

test('fujian with evidence frames: the consent says so, the crops go with the bundle, the server checks and forgets them', async ({
	page: pc,
	browser,
	request
}) => {
	test.setTimeout(300_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'zv-e2e-evidence-'));
	const server = await startOwnServer(PORT, {
		...E2E_SERVER_ENV,
		ZV_TEST_EVIDENCE_FRAMES: '1',
		ZV_DATA_DIR: dataDir,
		DATABASE_URL: ''
	});
	let crops: Buffer[] = [];
	let sessionId = '';
	let listed: { moment: string; sha256: string }[] = [];
	try {
		const id = await confirmableCandidate(request, 'fujian');
		const phone = await openPhoneAs(browser, await startOnPc(pc, id), 'fujian');

		await expectStatus(phone, 'consent');
		const uploads = phone.getByTestId('consent-uploads');
		await expect(uploads).toContainText(`${EVIDENCE_FRAMES.count} 张小尺寸人脸图片`);
		await expect(uploads).toContainText('核验结论记录后立即删除');
		await expect(uploads).not.toContainText('人脸画面和视频只在您的手机上处理');
		await consent(phone);
		await confirmRecord(phone);
		await idCards(phone, ['portrait', 'emblem']);
		await liveness(phone);

		// The passed check's crops wait on the phone with the result: one per moment, small JPEGs.
		const [before] = await storedSessions(phone);
		expect(before.results.liveness?.passed, JSON.stringify(before.results.liveness)).toBe(true);
		expect(before.evidence).toHaveLength(EVIDENCE_FRAMES.count);
		expect(before.evidence[0].moment).toBe('neutral');
		for (const c of before.evidence) {
			expect(c.type).toBe('image/jpeg');
			expect(c.bytes).toBeGreaterThan(0);
			expect(c.bytes).toBeLessThanOrEqual(EVIDENCE_FRAMES.maxBytes);
		}

		// They survive a reload (IndexedDB), and the review screen says they go with the result.
		await phone.reload();
		await expectStatus(phone, 'review');
		await expect(phone.getByTestId('review-uploads')).toContainText(
			`活体检测中的 ${EVIDENCE_FRAMES.count} 张小尺寸人脸图片`
		);
		expect((await storedSessions(phone))[0].evidence).toEqual(before.evidence);

		const sent = phone.waitForRequest((r) => r.url().endsWith('/api/phone/submit'));
		await submit(phone);
		const post = await sent;
		const body = post.postDataBuffer()!;
		crops = formFiles(body, (await post.allHeaders())['content-type'], 'evidence');
		const bundle = JSON.parse(
			formFiles(body, (await post.allHeaders())['content-type'], 'bundle')[0].toString()
		);
		sessionId = bundle.payload.sessionId;
		listed = bundle.payload.attachments.evidence;
		expect(crops).toHaveLength(EVIDENCE_FRAMES.count);
		// Signed in the bundle in upload order, at the moments the phone kept them for.
		expect(listed.map((e) => e.moment)).toEqual(before.evidence.map((c) => c.moment));
		expect(listed.map((e) => e.sha256)).toEqual(
			crops.map((c) => createHash('sha256').update(c).digest('hex'))
		);
		for (const c of crops) {
			const meta = await sharp(c).metadata();
			expect([meta.format, meta.width, meta.height]).toEqual([
				'jpeg',
				EVIDENCE_FRAMES.size,
				EVIDENCE_FRAMES.size
			]);
		}

		await expectStatus(phone, 'done');
		await expect(phone.getByTestId('done')).toBeVisible();
		await expect(pc.getByTestId('pc-status')).toHaveText('身份确认已完成', { timeout: 15_000 });
		// Dropped from the phone once the server recorded its verdict.
		const [after] = await storedSessions(phone);
		expect(after.evidence).toEqual([]);
	} finally {
		await server.stop();
	}

	// What the server recorded: it judged the crops itself (its face engine's figures on each), and confirmed.
	const traces = cropTraces(crops);
	// The server's embedded database, opened once it has stopped (the server's database layer is built by Vite).
	const db = new PGlite(dataDir);
	try {
		const accepted = await db.query<{ detail: Record<string, unknown> }>(
			`select detail from audit_log where session_id = $1 and action = 'bundle.accepted'`,
			[sessionId]
		);
		expect(accepted.rows).toHaveLength(1);
		const detail = accepted.rows[0].detail as {
			outcome: string;
			livenessEvidence?: {
				findings: string[];
				measures: { moment: string; similarity: number | null; live: number | null }[];
			};
		};
		expect(detail.outcome).toBe('confirmed');
		expect(detail.livenessEvidence, JSON.stringify(detail)).toBeDefined();
		expect(detail.livenessEvidence!.findings).toEqual([]);
		const { thresholds } = resolve(fujian);
		expect(detail.livenessEvidence!.measures.map((m) => m.moment)).toEqual(listed.map((e) => e.moment));
		for (const m of detail.livenessEvidence!.measures) {
			expect(m.similarity, JSON.stringify(m)).toBeGreaterThanOrEqual(thresholds.faceMatch);
			expect(m.live, JSON.stringify(m)).toBeGreaterThanOrEqual(thresholds.antiSpoof);
		}

		// No crop in any table.
		const tables = await db.query<{ name: string }>(
			`select table_name as name from information_schema.tables
			where table_schema = current_schema() and table_type = 'BASE TABLE'`
		);
		expect(tables.rows.length).toBeGreaterThan(5);
		for (const { name } of tables.rows) {
			const rows = await db.query<{ row: string }>(`select t::text as row from "${name}" t`);
			const text = rows.rows.map((r) => r.row).join('\n');
			expect(traces.inText(text), `a crop in table ${name}`).toBe(false);
		}
	} finally {
		await db.close();
	}
	// Nor in any file of the server's data directory.
	const walk = (dir: string): string[] =>
		readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
			e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]
		);
	const files = walk(dataDir).filter((f) => statSync(f).size < 256 * 1024 * 1024);
	expect(files.length).toBeGreaterThan(0);
	for (const file of files) {
		const bytes = readFileSync(file);
		expect(traces.inBytes(bytes), `a crop in ${file}`).toBe(false);
	}
});
