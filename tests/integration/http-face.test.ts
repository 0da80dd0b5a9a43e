// The built server with its face engine on (its default): the photo re-check's worker threads count the faces
// and embed the accepted photo, and the duplicate-identity check runs on that embedding, all over HTTP.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { resolvePolicy } from '../../src/lib/core/policy/resolve.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import { recheckInProcess } from '../../src/lib/server/photo-recheck-pool.ts';
import { fixture } from '../support/fixtures.ts';
import { hubeiRecord, preparePhone, registerOverHttp, type ServerProcess } from './server-process.ts';
import { testServer } from './test-server.ts';
import { newIdNumber } from './support.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';

const photo = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));
const twoFaces = new Uint8Array(readFileSync(fixture('idphotos/nonconf_two_faces_blue_bg.jpg')));
let server: ServerProcess;
let cookie = '';
let databaseUrl = '';
let close: () => Promise<void>;

beforeAll(async () => {
	({ server, cookie, databaseUrl, close } = await testServer(3700, {
		ZV_SERVER_FACE: '1',
		ZV_STATIC_DIR: join(process.cwd(), 'static')
	}));
}, 120_000);
afterAll(() => close?.());

async function register(examArea: string): Promise<string> {
	const idNumber = newIdNumber();
	await registerOverHttp(server.origin, [hubeiRecord(idNumber, examArea)]);
	return idNumber;
}

async function submit(idNumber: string, bytes: Uint8Array) {
	const phone = await preparePhone(server.origin, cookie, idNumber, bytes);
	const r = await fetch(`${server.origin}/api/phone/submit`, {
		method: 'POST',
		body: phone.form(),
		headers: { origin: server.origin }
	});
	return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe(`the built server's face engine (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('refuses a photo with two faces with the reasons of the in-process re-check', async () => {
		const expected = (
			await recheckInProcess(twoFaces, resolvePolicy('hubei').photoSpec!, createFaceEngine(nodeRuntime))
		).reasons;
		expect(expected.map((r) => r.code)).toContain('FACE_MULTIPLE');
		const { status, body } = await submit(await register('武汉市洪山区'), twoFaces);
		expect(status).toBe(422);
		expect(body.error).toMatchObject({
			code: 'photo_rejected',
			en: `The photo failed the server's re-check: ${expected.map((r) => r.en).join('; ')}`
		});
	});

	it('same face under a second ID number, in the same exam area or another of the province: held for review', async () => {
		const first = await submit(await register('武汉市武昌区'), photo);
		expect(first).toMatchObject({ status: 200, body: { outcome: FINAL_CHECK } });
		const stand = await submit(await register('武汉市武昌区'), photo);
		expect(stand).toMatchObject({ status: 200, body: { outcome: 'review' } });
		// The stand-in works across the province: another exam area is searched too.
		const elsewhere = await submit(await register('宜昌市'), photo);
		expect(elsewhere).toMatchObject({ status: 200, body: { outcome: 'review' } });
		expect(server.output()).not.toContain('duplicate check skipped');
	});

	// PGlite's database belongs to the server process: nothing else can hide a row from its search.
	it.skipIf(!process.env.DATABASE_URL)(
		"the server's duplicate sweep finds a stand-in its search missed and puts both outcomes in review",
		async () => {
			const db = new pg.Client({ connectionString: databaseUrl });
			await db.connect();
			try {
				// The face of the tests above is confirmed in this province already.
				await db.query('delete from face_embeddings');
				const first = await submit(await register('十堰市'), photo);
				expect(first).toMatchObject({ status: 200, body: { outcome: FINAL_CHECK } });
				// Missed by the search: the first confirmation's row is out of the province while the second confirms.
				const columns = 'outcome_id, candidate_id, exam_area, province, vector, code, swept_at, created_at';
				const { rows } = await db.query(
					`delete from face_embeddings where exam_area = '十堰市' returning ${columns}`
				);
				expect(rows).toHaveLength(1);
				const stand = await submit(await register('恩施土家族苗族自治州'), photo);
				expect(stand).toMatchObject({ status: 200, body: { outcome: FINAL_CHECK } });
				await db.query(
					`insert into face_embeddings (${columns}) select ${columns} from json_populate_record(null::face_embeddings, $1)`,
					// Unswept, whatever a sweep did to it meanwhile: one of the two rows' sweeps then meets the other.
					[
						JSON.stringify({
							...rows[0],
							swept_at: null,
							vector: '\\x' + Buffer.from(rows[0].vector).toString('hex')
						})
					]
				);
				const ids = [rows[0].outcome_id as number];
				const { rows: later } = await db.query(
					`select o.id from outcomes o join face_embeddings f on f.outcome_id = o.id where f.exam_area = '恩施土家族苗族自治州'`
				);
				ids.push(later[0].id as number);
				let statuses: string[] = [];
				for (let waited = 0; waited < 30_000; waited += 500) {
					const { rows: outcomes } = await db.query(
						'select review_status from outcomes where id = any($1::integer[]) order by id',
						[ids]
					);
					statuses = outcomes.map((o) => o.review_status as string);
					if (statuses.every((s) => s === 'pending')) break;
					await new Promise((resolve) => setTimeout(resolve, 500));
				}
				expect(statuses).toEqual(['pending', 'pending']);
			} finally {
				await db.end();
			}
		},
		60_000
	);
});
