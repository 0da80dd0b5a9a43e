// Liveness evidence (policy liveness.evidence 'frames'): a modified phone that sends the genuine candidate's photo
// but lets a stand-in do the liveness check must not be confirmed. Scripted clients against the built server with
// the option on for every province (test mode); the crops must be gone from the database and the disk afterwards.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/index.ts';
import { testServer, type TestServer } from '../integration/test-server.ts';
import { cropTraces } from '../support/crop-traces.ts';
import { forge, inkedSignature, prepareForgery, registerCandidate, type Answer } from './client.ts';
import { clipFrame, evidenceCropOf, fixtureBytes } from './forgeries.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';

let ts: TestServer;
let origin = '';
const startedAt = Date.now();

/** The fake camera's man: frames of his face capture (one as the live still, one as his approved photo). */
const SELFIE = 'live_blink_selfie_480x640_15fps.mjpeg';
/** Someone else: the stand-in who does the liveness check. */
const STANDIN = 'headturn_yaw_woman_640x480_15fps.mjpeg';
let reference: Uint8Array;
let still: Uint8Array;
let genuineCrops: Uint8Array[];
let standInCrops: Uint8Array[];
const sent: Uint8Array[] = [];

beforeAll(async () => {
	ts = await testServer(3240, {
		ZV_E2E: '1',
		ZV_TEST_EVIDENCE_FRAMES: '1',
		// One blink: the moments are then the neutral face and three the nonce picks, all of which the clip shows.
		ZV_TEST_LIVENESS: '["blink"]'
	});
	origin = ts.server.origin;
	reference = await clipFrame(SELFIE, 0);
	still = await clipFrame(SELFIE, 60);
	genuineCrops = await Promise.all(
		[10, 25, 40, 80].map(async (i) => evidenceCropOf(await clipFrame(SELFIE, i)))
	);
	standInCrops = await Promise.all(
		[5, 10, 15, 20].map(async (i) => evidenceCropOf(await clipFrame(STANDIN, i)))
	);
}, 240_000);
afterAll(() => ts?.close());

async function fujianCandidate() {
	return registerCandidate(origin, 'fujian', { jpeg: reference, source: 'pre_registration' });
}

function expectFailed(a: Answer, code: string) {
	expect(a.status, JSON.stringify(a.body)).toBe(200);
	expect(a.body.outcome).toBe('failed');
	const reason = a.body.reasons?.find((r) => r.code === code);
	expect(reason, JSON.stringify(a.body)).toBeDefined();
	expect(reason!.zh).toMatch(/[\u4e00-\u9fff]/);
	expect(a.body.admissionNumber).toBeUndefined();
}

describe(`liveness evidence crops (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('control: the genuine candidate, with crops of his own face capture, is confirmed', async () => {
		const id = await fujianCandidate();
		sent.push(...genuineCrops);
		const a = await forge(origin, ts.cookie, id, { photo: still, evidence: genuineCrops });
		expect(a.status, JSON.stringify(a.body)).toBe(200);
		expect(a.body.outcome).toBe(FINAL_CHECK);
	});

	it("the genuine photo with a stand-in's liveness crops: the attempt fails (evidence_other_person)", async () => {
		const id = await fujianCandidate();
		sent.push(...standInCrops);
		expectFailed(
			await forge(origin, ts.cookie, id, { photo: still, evidence: standInCrops }),
			'evidence_other_person'
		);
	});

	it('one crop of the stand-in among the genuine ones is enough to fail', async () => {
		const id = await fujianCandidate();
		const mixed = [genuineCrops[0], genuineCrops[1], standInCrops[2], genuineCrops[3]];
		expectFailed(
			await forge(origin, ts.cookie, id, { photo: still, evidence: mixed }),
			'evidence_other_person'
		);
	});

	it('the genuine photo and no crops at all: refused (evidence_missing), not confirmed', async () => {
		const id = await fujianCandidate();
		const a = await forge(origin, ts.cookie, id, { photo: still });
		expect(a.status, JSON.stringify(a.body)).toBe(400);
		expect(a.body.error?.code).toBe('evidence_missing');
		expect(a.body.outcome).toBeUndefined();
	});

	it('crops listed at moments of its own choosing: the attempt fails (evidence_moments)', async () => {
		const id = await fujianCandidate();
		const a = await forge(origin, ts.cookie, id, {
			photo: still,
			evidence: genuineCrops,
			moments: ['neutral', 'at:100', 'at:101', 'at:102']
		});
		expectFailed(a, 'evidence_moments');
	});

	it('crops whose bytes differ from the signed list are refused (attachment_mismatch)', async () => {
		const id = await fujianCandidate();
		// The bundle lists the genuine crops; the upload swaps part of one for the stand-in's after signing.
		const listed = genuineCrops.map((c) => c.slice());
		const forgery = await prepareForgery(origin, ts.cookie, id, { photo: still, evidence: listed });
		listed[1].set(standInCrops[1].subarray(200, 264), 200);
		const a = await forgery.send();
		expect(a.status, JSON.stringify(a.body)).toBe(400);
		expect(a.body.error?.code).toBe('attachment_mismatch');
	});

	it('injection signals the phone reports reach the review page as notes for the reviewer', async () => {
		// A Hubei candidate without a reference photo is held for review (no server evidence): the notes go with it.
		const id = await registerCandidate(origin, 'hubei');
		const a = await forge(origin, ts.cookie, id, {
			photo: fixtureBytes('idphotos', 'blue_bg_man_compliant_480x640.jpg'),
			signature: await inkedSignature(),
			evidence: genuineCrops,
			steps: (steps) =>
				steps.map((s) =>
					s.kind === 'liveness'
						? { ...s, details: { ...s.details, injection: 'virtual_camera,automated_browser' } }
						: s
				)
		});
		expect(a.status, JSON.stringify(a.body)).toBe(200);
		expect(a.body.outcome).toBe('review');
		const page = await fetch(`${origin}/staff/review`, { headers: { cookie: ts.cookie } });
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain(id.slice(-4));
		expect(html).toMatch(/虚拟摄像头|virtual or software camera/);
		expect(html).toMatch(/自动化程序|automated browser/);
	});

	it('after the verdicts, no crop is in the database or on the disk', async () => {
		expect(sent.length).toBeGreaterThan(0);
		const traces = cropTraces(sent);
		await ts.stop();
		const handle = await openDatabase(ts.databaseUrl ? { url: ts.databaseUrl } : { dataDir: ts.dataDir });
		try {
			const tables = await sql<{ name: string }>`
				select table_name as name from information_schema.tables
				where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(handle.db);
			expect(tables.rows.length).toBeGreaterThan(5);
			for (const { name } of tables.rows) {
				const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(name)} t`.execute(
					handle.db
				);
				const text = rows.rows.map((r) => r.row).join('\n');
				expect(traces.inText(text), `a crop in table ${name}`).toBe(false);
			}
		} finally {
			await handle.close();
		}
		// The server's data directory and every file written since the tests began in the temporary directory.
		const files: string[] = [];
		const walk = (dir: string, depth: number) => {
			let entries;
			try {
				entries = readdirSync(dir, { withFileTypes: true });
			} catch {
				return;
			}
			for (const e of entries) {
				const path = join(dir, e.name);
				if (e.isDirectory() && depth < 6) walk(path, depth + 1);
				else if (e.isFile()) {
					const s = statSync(path, { throwIfNoEntry: false });
					if (s && s.mtimeMs >= startedAt - 1000 && s.size < 64 * 1024 * 1024) files.push(path);
				}
			}
		};
		if (ts.dataDir) walk(ts.dataDir, 0);
		walk(tmpdir(), 0);
		expect(files.length).toBeGreaterThan(0);
		for (const path of files) {
			let bytes: Buffer;
			try {
				bytes = readFileSync(path);
			} catch {
				continue;
			}
			expect(traces.inBytes(bytes), `a crop in ${path}`).toBe(false);
		}
	}, 120_000);
});
