// The colour challenge judged by the server (policies liveness.colour 'on' and liveness.evidence 'frames'): a
// modified phone claims the challenge passed, but the crops it took during the flashes must show the face's colour
// following the session's sequence. The live fixture clip relit in software (tests/support/relight.ts) stands in for
// a face under the phone's screen; scripted clients against the built server, test mode forcing both options on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourSequence, flashWindow, type ScreenColour } from '../../src/lib/core/liveness/colour.ts';
import { testServer, type TestServer } from '../integration/test-server.ts';
import { forge, registerCandidate, type Answer } from './client.ts';
import { clipFrame, evidenceCropOf } from './forgeries.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';

let ts: TestServer;
let origin = '';

const SELFIE = 'live_blink_selfie_480x640_15fps.mjpeg';
const FPS = 15;
let reference: Uint8Array;
let still: Uint8Array;
let momentCrops: Uint8Array[];

beforeAll(async () => {
	ts = await testServer(3240, {
		ZV_E2E: '1',
		ZV_TEST_EVIDENCE_FRAMES: '1',
		ZV_TEST_COLOUR: 'on',
		// One blink: the nonce's moments are the neutral face and three points of the capture, all in the clip.
		ZV_TEST_LIVENESS: '["blink"]'
	});
	origin = ts.server.origin;
	reference = await clipFrame(SELFIE, 0);
	still = await clipFrame(SELFIE, 60);
	momentCrops = await Promise.all(
		[10, 25, 40, 80].map(async (i) => evidenceCropOf(await clipFrame(SELFIE, i)))
	);
}, 240_000);
afterAll(() => ts?.close());

/** The clip's frame at each flash's middle, lit by `light(i)` (null: as recorded). */
async function flashCrops(flashes: number, light: (i: number) => ScreenColour | null): Promise<Uint8Array[]> {
	return Promise.all(
		Array.from({ length: flashes }, async (_, i) => {
			const frame = await clipFrame(SELFIE, Math.round((flashWindow(i).mid / 1000) * FPS));
			return evidenceCropOf(frame, light(i) ?? undefined);
		})
	);
}

/** The forged bundle claims every step passed, the phone's colour judge included. */
async function submit(light: (sequence: ScreenColour[], i: number) => ScreenColour | null): Promise<Answer> {
	const id = await registerCandidate(origin, 'fujian', { jpeg: reference, source: 'pre_registration' });
	return forge(origin, ts.cookie, id, {
		photo: still,
		colourEvidence: async (nonce) => {
			const sequence = colourSequence(nonce);
			return [...momentCrops, ...(await flashCrops(sequence.length, (i) => light(sequence, i)))];
		}
	});
}

/** The sequence of the first of other sessions' nonces that shows a different colour at every flash. */
function disagreeingSequence(sequence: ScreenColour[]): ScreenColour[] {
	for (let n = 1; ; n++) {
		const other = colourSequence(`a-nonce-of-another-session-${n}`);
		if (other.every((colour, i) => colour !== sequence[i])) return other;
	}
}

function expectColourMismatch(a: Answer) {
	expect(a.status, JSON.stringify(a.body)).toBe(200);
	expect(a.body.outcome).toBe('failed');
	const reason = a.body.reasons?.find((r) => r.code === 'colour_mismatch');
	expect(reason, JSON.stringify(a.body)).toBeDefined();
	expect(reason!.zh).toMatch(/[\u4e00-\u9fff]/);
	expect(a.body.admissionNumber).toBeUndefined();
}

describe(`the server's colour judge on the flash crops (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('control: crops lit by the session’s own sequence pass and the candidate is confirmed', async () => {
		const a = await submit((sequence, i) => sequence[i]);
		expect(a.status, JSON.stringify(a.body)).toBe(200);
		expect(a.body.outcome, JSON.stringify(a.body)).toBe(FINAL_CHECK);
	});

	it('crops as the clip was recorded (a pre-recorded stream the screen never lit): colour_mismatch', async () => {
		expectColourMismatch(await submit(() => null));
	});

	it('crops lit by another nonce’s sequence: colour_mismatch', async () => {
		// A replayed sequence that happens to agree with the session's at most flashes reaches the judge's threshold
		// about once in 2,000 draws (docs/threat-model.md), and the session's nonce is random: so the replay is
		// another session's sequence that agrees with this one at no flash, which even a perfect response to the
		// session's sequence lets pass only a few times in a million (models/notes/liveness-evidence.md).
		expectColourMismatch(await submit((sequence, i) => disagreeingSequence(sequence)[i]));
	});

	it('a claimed pass with only the nonce’s moments and no flash crops: refused (evidence_missing)', async () => {
		const id = await registerCandidate(origin, 'fujian', { jpeg: reference, source: 'pre_registration' });
		const a = await forge(origin, ts.cookie, id, { photo: still, evidence: momentCrops });
		expect(a.status, JSON.stringify(a.body)).toBe(400);
		expect(a.body.error?.code).toBe('evidence_missing');
	});
});
