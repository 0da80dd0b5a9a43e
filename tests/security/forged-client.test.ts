// A modified phone client must never confirm a stand-in. Each test is an attack by a scripted client against the
// built server in its default configuration (PGlite, or PostgreSQL when DATABASE_URL is set): the bundle is
// well-formed and signed by the key the client registered, and claims every step passed. None may be confirmed;
// each gets a refusal or a review, with a stated reason.
import { join } from 'node:path';
import sharp from 'sharp';
import type { StepResult } from '../../src/lib/core/bundle/schema.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from '../integration/test-server.ts';
import type { ServerProcess } from '../integration/server-process.ts';
import { blankSignature, forge, inkedSignature, registerCandidate, type Answer } from './client.ts';
import { clipFrame, fixtureBytes, padded, phoneCheckCodes, registrationPhotoOf } from './forgeries.ts';
import { FINAL_CHECK } from '../../src/lib/core/outcome.ts';

let server: ServerProcess;
let cookie = '';
let close: () => Promise<void>;
let origin = '';

/** The man of the compliant registration photo: his photo, and an earlier picture of him as his reference. */
const manPhoto = fixtureBytes('idphotos', 'blue_bg_man_compliant_480x640.jpg');
const manReference = fixtureBytes('idphotos', 'blue_bg_man_original_358x441.jpg');
/**
 * The man of the fake camera's selfie clip: a frame of his face capture (what Fujian's phone sends as its live still)
 * and another frame, seconds apart, as his approved pre-registration photo.
 */
const SELFIE = 'live_blink_selfie_480x640_15fps.mjpeg';
const selfieStill = () => clipFrame(SELFIE, 60);
let selfieReference: Uint8Array;
/** Someone else entirely: the candidate whose place the stranger takes. */
const candidateReference = fixtureBytes('faces', 'lfw_Yao_Ming_1.jpg');
let signature: Uint8Array;

beforeAll(async () => {
	// Default configuration: nothing turned on for the test beyond where the staged models are.
	({ server, cookie, close } = await testServer(3230, { ZV_STATIC_DIR: join(process.cwd(), 'static') }));
	origin = server.origin;
	signature = await inkedSignature();
	selfieReference = await clipFrame(SELFIE, 0);
}, 180_000);
afterAll(() => close?.());

function expectNotConfirmed(a: Answer) {
	// `checking` is a confirmation on the server's evidence that waits only for the duplicate sweep.
	expect(['confirmed', FINAL_CHECK]).not.toContain(a.body.outcome);
	expect(a.body.admissionNumber).toBeUndefined();
	expect(a.body.password).toBeUndefined();
}

function expectOutcomeReason(a: Answer, outcome: 'failed' | 'review', code: string) {
	expect(a.status).toBe(200);
	expect(a.body.outcome).toBe(outcome);
	const reason = a.body.reasons?.find((r) => r.code === code);
	expect(reason, JSON.stringify(a.body)).toBeDefined();
	expect(reason!.zh).toMatch(/[\u4e00-\u9fff]/);
	expect(reason!.en).toMatch(/[a-z]/);
	expectNotConfirmed(a);
}

function expectRefusal(a: Answer, status: number, code: string, en?: string) {
	expect(a.status, JSON.stringify(a.body)).toBe(status);
	expect(a.body.error?.code).toBe(code);
	expect(a.body.error?.zh).toMatch(/[\u4e00-\u9fff]/);
	if (en) expect(a.body.error?.en).toContain(en);
	expectNotConfirmed(a);
}

describe(`a scripted client against the built server (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
	it('control: the genuine candidate with a reference photo is confirmed', async () => {
		const id = await registerCandidate(origin, 'hubei', {
			jpeg: manReference,
			source: 'previous_registration'
		});
		const a = await forge(origin, cookie, id, { photo: manPhoto, signature });
		expect(a.status, JSON.stringify(a.body)).toBe(200);
		expect(a.body.outcome).toBe(FINAL_CHECK);
		// Its admission number is told once the duplicate sweep has cleared the face (phone-status.test.ts).
		expect(a.body.admissionNumber).toBeUndefined();
	});

	it("a stranger's compliant photo under a Hubei candidate's reference: the attempt fails, face mismatch", async () => {
		const id = await registerCandidate(origin, 'hubei', {
			jpeg: candidateReference,
			source: 'previous_registration'
		});
		expectOutcomeReason(
			await forge(origin, cookie, id, { photo: manPhoto, signature }),
			'failed',
			'face_mismatch'
		);
	});

	it("a stranger's photo for a Beijing candidate: the identity authority does not match it", async () => {
		const id = await registerCandidate(origin, 'beijing', { jpeg: candidateReference, source: 'authority' });
		expectOutcomeReason(await forge(origin, cookie, id, { photo: manPhoto }), 'failed', 'face_mismatch');
	});

	it('inflated scores (similarity 1e9) are not evidence: the photo still does not match', async () => {
		const id = await registerCandidate(origin, 'hubei', {
			jpeg: candidateReference,
			source: 'previous_registration'
		});
		const inflate = (steps: StepResult[]) =>
			steps.map((s) => ({
				...s,
				scores: Object.fromEntries(
					['similarity', 'idPortraitSimilarity', 'antiSpoof', 'liveness'].map((k) => [k, 1e9])
				)
			}));
		const a = await forge(origin, cookie, id, { photo: manPhoto, signature, steps: inflate });
		expectOutcomeReason(a, 'failed', 'face_mismatch');
	});

	it('no reference photo and no authority: held for review (no_server_evidence), never confirmed', async () => {
		const id = await registerCandidate(origin, 'hubei');
		expectOutcomeReason(
			await forge(origin, cookie, id, { photo: manPhoto, signature }),
			'review',
			'no_server_evidence'
		);
	});

	it('a Beijing bundle with no photo file is refused', async () => {
		const id = await registerCandidate(origin, 'beijing', { jpeg: manReference, source: 'authority' });
		expectRefusal(await forge(origin, cookie, id, {}), 400, 'photo_missing');
	});

	it('control: a genuine Fujian candidate is confirmed on the live still matched with the approved photo', async () => {
		const id = await registerCandidate(origin, 'fujian', {
			jpeg: selfieReference,
			source: 'pre_registration'
		});
		const a = await forge(origin, cookie, id, { photo: await selfieStill() });
		expect(a.status, JSON.stringify(a.body)).toBe(200);
		expect(a.body.outcome).toBe(FINAL_CHECK);
		// Its admission number is told once the duplicate sweep has cleared the face (phone-status.test.ts).
		expect(a.body.admissionNumber).toBeUndefined();
	});

	it("a stranger's face as a Fujian candidate's live still: the attempt fails, face mismatch", async () => {
		const id = await registerCandidate(origin, 'fujian', {
			jpeg: candidateReference,
			source: 'pre_registration'
		});
		expectOutcomeReason(
			await forge(origin, cookie, id, { photo: await selfieStill() }),
			'failed',
			'face_mismatch'
		);
	});

	it('a Fujian bundle without the live still is refused', async () => {
		const id = await registerCandidate(origin, 'fujian', {
			jpeg: selfieReference,
			source: 'pre_registration'
		});
		expectRefusal(await forge(origin, cookie, id, {}), 400, 'photo_missing');
	});

	it('a Fujian live still without a face is refused with its reason', async () => {
		const id = await registerCandidate(origin, 'fujian', {
			jpeg: selfieReference,
			source: 'pre_registration'
		});
		const blank = new Uint8Array(
			await sharp({ create: { width: 480, height: 640, channels: 3, background: '#8a8f96' } })
				.jpeg({ quality: 100 })
				.toBuffer()
		);
		expectRefusal(await forge(origin, cookie, id, { photo: blank }), 422, 'photo_rejected', 'No face');
	});

	it('a Hubei bundle with no signature file, HTML bytes as the signature, or a blank pad is refused', async () => {
		const id = await registerCandidate(origin, 'hubei', {
			jpeg: manReference,
			source: 'previous_registration'
		});
		expectRefusal(await forge(origin, cookie, id, { photo: manPhoto }), 400, 'signature_missing');
		const html = new TextEncoder().encode('<!doctype html><html><body>signed</body></html>');
		expectRefusal(
			await forge(origin, cookie, id, { photo: manPhoto, signature: html }),
			400,
			'signature_invalid'
		);
		const blank = await blankSignature();
		expectRefusal(
			await forge(origin, cookie, id, { photo: manPhoto, signature: blank }),
			400,
			'signature_blank'
		);
	});

	it('a plain blue picture with no face is refused (default configuration)', async () => {
		const id = await registerCandidate(origin, 'hubei', {
			jpeg: manReference,
			source: 'previous_registration'
		});
		const blue = fixtureBytes('idphotos', 'nonconf_no_face_plain_blue.jpg');
		expectRefusal(
			await forge(origin, cookie, id, { photo: blue, signature }),
			422,
			'photo_rejected',
			'No face'
		);
	});

	it("a photo with closed eyes, which the phone's own check refuses, is refused", async () => {
		// The bottom of a blink in a real selfie clip, made into a registration photo by the phone's pipeline.
		const clip = 'live_blink_selfie_480x640_15fps.mjpeg';
		const id = await registerCandidate(origin, 'hubei', {
			jpeg: await clipFrame(clip, 0),
			source: 'previous_registration'
		});
		const closed = await registrationPhotoOf(await clipFrame(clip, 110));
		expect(await phoneCheckCodes(closed)).toContain('EYES_CLOSED');
		const a = await forge(origin, cookie, id, { photo: closed, signature });
		expectRefusal(a, 422, 'photo_rejected', 'Keep both eyes open');
		expect(a.body.error!.zh).toContain('请睁开双眼');
	});

	it('a photo with the head turned 28° is refused', async () => {
		const clip = 'headturn_yaw_woman_640x480_15fps.mjpeg';
		const id = await registerCandidate(origin, 'hubei', {
			jpeg: await clipFrame(clip, 155),
			source: 'previous_registration'
		});
		const turned = await registrationPhotoOf(await padded(await clipFrame(clip, 84), 160));
		expect(await phoneCheckCodes(turned)).toContain('POSE_NOT_FRONTAL');
		expectRefusal(
			await forge(origin, cookie, id, { photo: turned, signature }),
			422,
			'photo_rejected',
			'Face the camera'
		);
	});

	it('a second confirmation of a confirmed candidate is refused', async () => {
		// Beijing: in Hubei this face is already confirmed under the control's ID number, and a second ID number with
		// it is held as a duplicate identity (the search covers the province).
		const id = await registerCandidate(origin, 'beijing', { jpeg: manReference, source: 'authority' });
		const first = await forge(origin, cookie, id, { photo: manPhoto });
		expect(first.body.outcome, JSON.stringify(first.body)).toBe(FINAL_CHECK);
		const again = await forge(origin, cookie, id, { photo: manPhoto });
		expectRefusal(again, 409, 'already_confirmed');
	});
});
