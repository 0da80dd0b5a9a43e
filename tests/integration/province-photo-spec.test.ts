// The built server re-checks the uploaded photo against the province's own photo spec (resolvePolicy), never
// Hubei's: the same picture, a phone's live still (72 dpi, larger than Hubei's 40 kB ceiling), is refused for a
// Hubei session for exactly the file rules Hubei's spec sets, and accepted for a Fujian session, whose policy takes
// a live still with no print density or byte window of Hubei's. A step claiming a pass is re-checked at the
// policy's face-match threshold.
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEngine } from '../../src/lib/core/face/engine.ts';
import { withJfifDensity } from '../../src/lib/core/image/jpeg-header.ts';
import { decodeJpeg } from '../../src/lib/core/photo/recheck.ts';
import { resolvePolicy } from '../../src/lib/core/policy/resolve.ts';
import { nodeRuntime } from '../../src/lib/runtime/node.ts';
import { recheckInProcess } from '../../src/lib/server/photo-recheck-pool.ts';
import { fixture } from '../support/fixtures.ts';
import {
	hubeiRecord,
	openPhone,
	preparePhone,
	registerOverHttp,
	signedSubmission,
	type ServerProcess
} from './server-process.ts';
import { newIdNumber, TEST_SIGNATURE } from './support.ts';
import { testServer } from './test-server.ts';

let server: ServerProcess;
let cookie = '';
let close: () => Promise<void>;
let still: Uint8Array;

beforeAll(async () => {
	// The compliant man, encoded as a phone's canvas encodes a live still: high quality, screen density.
	const image = decodeJpeg(
		new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')))
	);
	const encoded = jpeg.encode(
		{ data: Buffer.from(image.data), width: image.width, height: image.height },
		97
	);
	still = withJfifDensity(new Uint8Array(encoded.data), 72);
	({ server, cookie, close } = await testServer(3630));
}, 120_000);
afterAll(() => close?.());

async function submit(province: 'hubei' | 'fujian') {
	const id = newIdNumber(province === 'hubei' ? '420102' : '350102');
	const record = hubeiRecord(id);
	await registerOverHttp(server.origin, [
		province === 'hubei' ? record : { ...record, address: '福建省福州市', province }
	]);
	const phone = await preparePhone(server.origin, cookie, id, still);
	expect(phone.province).toBe(province);
	const r = await fetch(`${server.origin}/api/phone/submit`, {
		method: 'POST',
		body: phone.form(),
		headers: { origin: server.origin }
	});
	return { status: r.status, body: (await r.json()) as { error?: { code: string; en: string } } };
}

describe("each province's photo spec over HTTP", () => {
	it("a live still is refused for Hubei by Hubei's file rules, reason for reason", async () => {
		const hubei = resolvePolicy('hubei').photoSpec!;
		const expected = (await recheckInProcess(still, hubei, createFaceEngine(nodeRuntime))).reasons;
		// Wider than 40 kB and 72 dpi: Hubei's file rules, and nothing else, refuse it.
		expect(expected.map((r) => r.code).sort()).toEqual(['FILE_TOO_LARGE', 'FILE_WRONG_DPI']);
		const { status, body } = await submit('hubei');
		expect(status).toBe(422);
		expect(body.error?.code).toBe('photo_rejected');
		expect(body.error?.en).toBe(
			`The photo failed the server's re-check: ${expected.map((r) => r.en).join('; ')}`
		);
	});

	it("the same live still passes Fujian's re-check, its own spec", async () => {
		const { status, body } = await submit('fujian');
		expect(body.error).toBeUndefined();
		expect(status).toBe(200);
		const fujian = resolvePolicy('fujian').photoSpec!;
		expect(fujian.purpose).toBe('live_still');
		expect((await recheckInProcess(still, fujian, createFaceEngine(nodeRuntime))).reasons).toEqual([]);
	});
});

describe("the policy's face-match threshold over HTTP", () => {
	it('a liveness step claiming a pass just under the policy threshold is refused, naming that threshold', async () => {
		const { faceMatch } = resolvePolicy('hubei').thresholds;
		const id = newIdNumber();
		await registerOverHttp(server.origin, [hubeiRecord(id)]);
		const phone = await openPhone(server.origin, cookie, id);
		const under = Math.round((faceMatch - 0.01) * 1000) / 1000;
		const compliant = new Uint8Array(readFileSync(fixture('idphotos/blue_bg_man_compliant_480x640.jpg')));
		const form = await signedSubmission(phone, { photo: compliant, signature: TEST_SIGNATURE }, (steps) =>
			steps.map((s) => (s.kind === 'liveness' ? { ...s, scores: { idPortraitSimilarity: under } } : s))
		);
		const r = await fetch(`${server.origin}/api/phone/submit`, {
			method: 'POST',
			body: form(),
			headers: { origin: server.origin }
		});
		const body = (await r.json()) as { error: { code: string; en: string } };
		expect(r.status).toBeGreaterThanOrEqual(400);
		expect(body.error.code).toBe('score_threshold');
		expect(body.error.en).toBe(
			`Step "liveness" is marked passed but idPortraitSimilarity=${under} is below ${faceMatch}.`
		);
	});
});
