// The identity authority over HTTP (Beijing checks the photo with it) and the reference photo, as the candidate meets
// them: a mismatch, an authority with no record for the number, an authority that does not answer. The authority is
// the simulator served as a real HTTP server from this process, with a database of its own (its records, not the
// exam office's); the exam server is the built one, configured with ZV_AUTHORITY_MODE=http. Each answer carries the
// candidate-facing message in both languages, and a phone that sends the same bundle again records nothing twice.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { beijing } from '../../src/lib/core/policy/index.ts';
import { authorityScale } from '../../src/lib/server/authority/scale.ts';
import { simulatorAuthority, simulatorHandler } from '../../src/lib/server/authority/simulator.ts';
import { embedJpegFaces } from '../../src/lib/server/face.ts';
import { prepareReferencePhoto } from '../../src/lib/server/services/reference-photos.ts';
import { upsertCandidate } from '../../src/lib/server/services/registration.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import { testDatabase, type TestDatabase } from '../integration/db.ts';
import type { ServerProcess } from '../integration/server-process.ts';
import { testServer } from '../integration/test-server.ts';
import {
	attemptsOf,
	candidateRecord,
	inkedSignature,
	outcomeEventsOf,
	prepareForgery,
	registerCandidate
} from './client.ts';
import { fixtureBytes } from './forgeries.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';

const TOKEN = 'authority-test-token';
const manPhoto = fixtureBytes('idphotos', 'blue_bg_man_compliant_480x640.jpg');
const manReference = fixtureBytes('idphotos', 'blue_bg_man_original_358x441.jpg');
const someoneElse = fixtureBytes('faces', 'lfw_Yao_Ming_1.jpg');
const engine = createFaceEngine(nodeRuntime);

let authorityDb: TestDatabase;
let authority: Server;
/**
 * What the authority does with a request: answer as the simulator, hold it past the server's timeout, or answer a
 * fixed similarity on its own scale.
 */
let mode: 'simulator' | 'hang' | { similarity: number } = 'simulator';
let requests = 0;
let server: ServerProcess;
let cookie = '';
let close: () => Promise<void>;

beforeAll(async () => {
	authorityDb = await testDatabase();
	// The simulator's face engine loads its models on first use: loaded here, not within the exam server's
	// timeout on the first request (on a busy machine that first answer came too late).
	await embedJpegFaces(engine, manReference);
	const answer = simulatorHandler(
		simulatorAuthority(authorityDb.db, async () => engine, authorityScale(beijing)),
		TOKEN
	);
	authority = createServer((req, res) => {
		requests++;
		if (mode === 'hang') {
			req.resume();
			setTimeout(() => res.destroy(), 15_000).unref();
			return;
		}
		if (typeof mode === 'object') {
			req.resume();
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ similarity: mode.similarity }));
			return;
		}
		answer(req, res);
	});
	await new Promise<void>((resolve) => authority.listen(0, '127.0.0.1', resolve));
	const { port } = authority.address() as AddressInfo;
	({ server, cookie, close } = await testServer(3240, {
		ZV_AUTHORITY_MODE: 'http',
		ZV_AUTHORITY_URL: `http://127.0.0.1:${port}/check`,
		ZV_AUTHORITY_TOKEN: TOKEN,
		// Long enough for the simulator's answer on a busy machine (it embeds the photo in this process).
		ZV_AUTHORITY_TIMEOUT_MS: '4000',
		ZV_AUTHORITY_RETRIES: '1',
		// The breaker is tested on its own; here every request must reach the authority.
		ZV_AUTHORITY_BREAKER_FAILURES: '1000'
	}));
}, 180_000);
afterAll(async () => {
	await close?.();
	authority?.closeAllConnections();
	await new Promise((resolve) => authority?.close(resolve));
	await authorityDb?.close();
});

/** The authority's own record of a person: their ID number and the portrait it holds. */
async function authorityHolds(idNumber: string, portrait: Uint8Array) {
	await upsertCandidate(
		authorityDb.db,
		candidateRecord(idNumber, 'beijing'),
		'authority',
		await prepareReferencePhoto('authority', portrait, (jpeg) => embedJpegFaces(engine, jpeg))
	);
}

const reasonOf = (body: { reasons?: { code: string; zh: string; en: string }[] }, code: string) =>
	body.reasons?.find((r) => r.code === code);

describe(`the identity authority and the reference photo (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('Beijing: the authority matches the genuine candidate, who is confirmed', async () => {
		const id = await registerCandidate(server.origin, 'beijing');
		await authorityHolds(id, manReference);
		const a = await (await prepareForgery(server.origin, cookie, id, { photo: manPhoto })).send();
		expect(a.status, JSON.stringify(a.body)).toBe(200);
		expect(a.body.outcome).toBe(FINAL_CHECK);
	});

	it('Beijing: the authority holds another face: failed, with the message, recorded once', async () => {
		const id = await registerCandidate(server.origin, 'beijing');
		await authorityHolds(id, someoneElse);
		const phone = await prepareForgery(server.origin, cookie, id, { photo: manPhoto });
		const a = await phone.send();
		expect(a.body.outcome).toBe('failed');
		const reason = reasonOf(a.body, 'face_mismatch');
		expect(reason?.zh).toBe('照片与公安部身份认证的人像不是同一人，本次认证失败');
		expect(reason?.en).toBe(
			'The photo does not match the identity authority’s portrait; this attempt failed'
		);
		expect(a.body.attempts).toMatchObject({ failures: 1, max: 5 });
		const again = await phone.send();
		expect(again.body).toMatchObject({ outcome: 'failed', duplicate: true });
		expect(await outcomeEventsOf(server.origin, id)).toEqual([expect.objectContaining({ result: 'failed' })]);
		// The resend counted no second attempt.
		expect(await attemptsOf(server.origin, cookie, id)).toEqual({ failures: 1, max: 5 });
	});

	it('Beijing: no record at the authority: held for review with the message, recorded once', async () => {
		const id = await registerCandidate(server.origin, 'beijing');
		const phone = await prepareForgery(server.origin, cookie, id, { photo: manPhoto });
		const a = await phone.send();
		expect(a.body.outcome).toBe('review');
		const reason = reasonOf(a.body, 'authority_no_record');
		expect(reason?.zh).toBe('公安部身份认证无此身份证号码的人像记录，已转人工审核，请留意自考办通知');
		expect(reason?.en).toBe(
			'The identity authority holds no portrait for this ID number; an officer will review your confirmation'
		);
		const again = await phone.send();
		expect(again.body).toMatchObject({ outcome: 'review', duplicate: true });
		expect(await outcomeEventsOf(server.origin, id)).toEqual([expect.objectContaining({ result: 'review' })]);
		// No record is not a failed attempt: nothing was counted.
		expect(await attemptsOf(server.origin, cookie, id)).toEqual({ failures: 0, max: 5 });
	});

	it('Beijing: the authority times out: 503 with the message and nothing recorded; the same bundle later is recorded once', async () => {
		const id = await registerCandidate(server.origin, 'beijing');
		await authorityHolds(id, manReference);
		const phone = await prepareForgery(server.origin, cookie, id, { photo: manPhoto });
		mode = 'hang';
		const before = requests;
		let a;
		try {
			a = await phone.send();
		} finally {
			mode = 'simulator';
		}
		expect(a.status).toBe(503);
		expect(a.body.error).toEqual({
			code: 'authority_unavailable',
			zh: '身份认证服务暂时无法连接，请稍后重新提交（本次提交未记录，不计入次数）',
			en: 'The identity check service cannot be reached; submit again in a few minutes (nothing was recorded or counted)'
		});
		// One try and one retry, each cut off by the timeout.
		expect(requests - before).toBe(2);
		expect(await outcomeEventsOf(server.origin, id)).toEqual([]);
		// Recorded once. Held for review rather than confirmed: the same face was confirmed for the genuine Beijing
		// candidate above, and a second ID number with it is a duplicate identity.
		const later = await phone.send();
		expect(later.body).toMatchObject({ outcome: 'review', duplicate: false });
		const again = await phone.send();
		expect(again.body).toMatchObject({ outcome: 'review', duplicate: true });
		expect(await outcomeEventsOf(server.origin, id)).toEqual([expect.objectContaining({ result: 'review' })]);
	});

	it("Beijing: the authority's similarity is read on its own scale: 0.6, above our face model's threshold but below the authority's, confirms no one", async () => {
		const id = await registerCandidate(server.origin, 'beijing');
		const phone = await prepareForgery(server.origin, cookie, id, { photo: manPhoto });
		mode = { similarity: 0.6 };
		let a;
		try {
			a = await phone.send();
		} finally {
			mode = 'simulator';
		}
		expect(a.body.outcome, JSON.stringify(a.body)).toBe('failed');
		expect(reasonOf(a.body, 'face_mismatch')?.en).toBe(
			'The photo does not match the identity authority’s portrait; this attempt failed'
		);
		expect(await outcomeEventsOf(server.origin, id)).toEqual([expect.objectContaining({ result: 'failed' })]);
	});

	it('Hubei: the photo does not match the reference photo: failed, with the message, recorded once', async () => {
		const id = await registerCandidate(server.origin, 'hubei', {
			jpeg: someoneElse,
			source: 'previous_registration'
		});
		const phone = await prepareForgery(server.origin, cookie, id, {
			photo: manPhoto,
			signature: await inkedSignature()
		});
		const a = await phone.send();
		expect(a.body.outcome).toBe('failed');
		const reason = reasonOf(a.body, 'face_mismatch');
		expect(reason?.zh).toBe('照片与您报名档案中的照片不是同一人，本次认证失败');
		expect(reason?.en).toBe(
			'The photo does not match the photo on your registration record; this attempt failed'
		);
		expect(a.body.attempts).toMatchObject({ failures: 1, max: 3 });
		const again = await phone.send();
		expect(again.body).toMatchObject({ outcome: 'failed', duplicate: true });
		expect(await outcomeEventsOf(server.origin, id)).toEqual([expect.objectContaining({ result: 'failed' })]);
		expect(await attemptsOf(server.origin, cookie, id)).toEqual({ failures: 1, max: 3 });
	});
});
