// The effects the reducer asks for: the phone session carries out exactly these, so an effect missing here is a
// failure report never sent, a consent never recorded or a submission never made.
import { describe, expect, it } from 'vitest';
import { currentVersions } from '../../../src/lib/core/documents/index.ts';
import {
	createFlow,
	step,
	transition,
	type FlowEvent,
	type FlowState
} from '../../../src/lib/core/flow/index.ts';

const T0 = Date.UTC(2026, 3, 1, 2, 0, 0);

/** Hubei's happy path up to `status` (consent, record, ID portrait side, liveness, photo, signature, review). */
function hubeiAt(status: FlowState['status']): FlowState {
	const path: FlowEvent[] = [
		{ type: 'GIVE_CONSENT', terms: true, faceProcessing: true, at: T0 },
		{ type: 'CONFIRM_RECORD', at: T0 },
		{ type: 'ID_SIDE_CAPTURED', side: 'portrait', at: T0 },
		{ type: 'LIVENESS_PASSED', at: T0 },
		{ type: 'PHOTO_UPLOADED', at: T0 },
		{ type: 'PHOTO_ACCEPTED', at: T0 },
		{ type: 'SIGNATURE_SAVED', at: T0 },
		{ type: 'SUBMIT', at: T0 }
	];
	let state = createFlow('hubei', T0);
	for (const event of path) {
		if (state.status === status) return state;
		state = transition(state, event);
	}
	if (state.status !== status) throw new Error(`never reached ${status}`);
	return state;
}

const refusal = (reason: string): FlowEvent => ({
	type: 'SUBMIT_REJECTED',
	kind: 'refused',
	reason,
	message: { zh: '拒绝', en: 'Refused' },
	at: T0
});

describe('effects of a transition', () => {
	it.each<[string, FlowState['status'], FlowEvent]>([
		['a liveness failure', 'liveness', { type: 'LIVENESS_FAILED', reason: 'timeout', at: T0 }],
		['a live face unlike the ID portrait', 'liveness', { type: 'FACE_MISMATCH', similarity: 0.2, at: T0 }],
		['a photo that is not the candidate', 'photo', { type: 'PHOTO_REJECTED', cause: 'mismatch', at: T0 }]
	])('%s found on the phone is reported with its failure record', (_, status, event) => {
		const { state, effects } = step(hubeiAt(status), event);
		expect(effects).toEqual([{ type: 'report_failure', failure: state.failures.at(-1) }]);
		expect(state.failures).toHaveLength(1);
	});

	it('a live face unlike the accepted photo (Beijing) is reported as a photo-match failure', () => {
		let state = createFlow('beijing', T0);
		for (const event of [
			{ type: 'GIVE_CONSENT', terms: true, faceProcessing: true, at: T0 },
			{ type: 'ID_SIDE_CAPTURED', side: 'portrait', at: T0 },
			{ type: 'ID_SIDE_CAPTURED', side: 'emblem', at: T0 },
			{ type: 'CONFIRM_RECORD', at: T0 },
			{ type: 'PHOTO_UPLOADED', at: T0 },
			{ type: 'PHOTO_ACCEPTED', at: T0 }
		] as FlowEvent[])
			state = transition(state, event);
		expect(state.status).toBe('liveness');
		const { effects } = step(state, { type: 'PHOTO_MISMATCH', similarity: 0.1, at: T0 });
		expect(effects).toEqual([
			{ type: 'report_failure', failure: expect.objectContaining({ kind: 'photo_match' }) }
		]);
	});

	it('a noncompliant photo is redone without a report (nothing is counted)', () => {
		const event: FlowEvent = { type: 'PHOTO_REJECTED', cause: 'noncompliant', reason: 'too_dark', at: T0 };
		expect(step(hubeiAt('photo'), event).effects).toEqual([]);
	});

	it('a failure the server found (a rejected submission) is not reported back to it', () => {
		const event: FlowEvent = { type: 'SUBMIT_REJECTED', kind: 'identity_check', reason: 'mps', at: T0 };
		const { state, effects } = step(hubeiAt('submitting'), event);
		expect(state.failures).toHaveLength(1);
		expect(effects).toEqual([{ type: 'discard_submission' }]);
	});

	it('submitting from the review asks for the submission; a refused SUBMIT asks for nothing', () => {
		expect(step(hubeiAt('review'), { type: 'SUBMIT', at: T0 }).effects).toEqual([{ type: 'submit' }]);
		const incomplete = { ...hubeiAt('review'), livenessPassed: false };
		expect(step(incomplete, { type: 'SUBMIT', at: T0 }).effects).toEqual([]);
	});

	it('consent naming document versions is recorded; consent without versions and a refusal are not', () => {
		const versions = currentVersions();
		const given: FlowEvent = { type: 'GIVE_CONSENT', terms: true, faceProcessing: true, versions, at: T0 };
		expect(step(createFlow('hubei', T0), given).effects).toEqual([{ type: 'record_consent', versions }]);
		expect(step(createFlow('hubei', T0), { ...given, versions: undefined }).effects).toEqual([]);
		expect(step(createFlow('hubei', T0), { ...given, faceProcessing: false }).effects).toEqual([]);
		const renewed: FlowEvent = {
			type: 'RENEW_CONSENT',
			terms: true,
			faceProcessing: true,
			versions,
			at: T0 + 1
		};
		expect(step(hubeiAt('liveness'), renewed).effects).toEqual([{ type: 'record_consent', versions }]);
	});

	it('manual review, once granted, is requested from the server', () => {
		const failed = transition(hubeiAt('liveness'), { type: 'LIVENESS_FAILED', reason: 'timeout', at: T0 });
		expect(step(failed, { type: 'REQUEST_MANUAL_REVIEW', at: T0 }).effects).toEqual([
			{ type: 'request_review' }
		]);
		// Fujian offers no manual review: the refused request sends nothing.
		let fujian = createFlow('fujian', T0);
		fujian = { ...fujian, status: 'attempt_failed', failedStep: 'liveness' };
		expect(step(fujian, { type: 'REQUEST_MANUAL_REVIEW', at: T0 }).effects).toEqual([]);
	});

	it('a refusal that leaves 提交中 drops the signed bundle; one that waits to resend keeps it', () => {
		expect(step(hubeiAt('submitting'), refusal('bundle_invalid')).effects).toEqual([
			{ type: 'discard_submission' }
		]);
		expect(step(hubeiAt('submitting'), refusal('photo_rejected')).effects).toEqual([
			{ type: 'discard_submission' }
		]);
		expect(step(hubeiAt('submitting'), refusal('rate_limited')).effects).toEqual([]);
	});

	it('a step completed asks for nothing; transition() is the state step() returns', () => {
		const before = hubeiAt('liveness');
		const event: FlowEvent = { type: 'LIVENESS_PASSED', at: T0 };
		expect(step(before, event).effects).toEqual([]);
		expect(transition(before, event)).toEqual(step(before, event).state);
	});
});
