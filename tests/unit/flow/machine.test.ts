// The candidate flow reducer: every transition and every limit, for each province policy.
import { describe, expect, it } from 'vitest';
import {
	attemptsLeft,
	createFlow,
	flowView,
	missingSteps,
	noticeText,
	photoUploadsLeft,
	restoreFlow,
	serializeFlow,
	transition,
	type FlowEvent,
	type FlowState
} from '../../../src/lib/core/flow/index.ts';
import { chinaDay } from '../../../src/lib/core/china-time.ts';
import { getPolicy, policies } from '../../../src/lib/core/policy/index.ts';

const T0 = Date.UTC(2026, 3, 1, 2, 0, 0); // 10:00 in Beijing

/** Deep-freezes a state so any mutation inside the reducer throws. */
function frozen<T>(value: T): T {
	if (value && typeof value === 'object') {
		Object.values(value).forEach(frozen);
		Object.freeze(value);
	}
	return value;
}

describe('notices', () => {
	it("a notice saved with its words by an older version is restored as its code and shown in today's words", () => {
		const saved = {
			...createFlow('beijing', 0),
			notice: { code: 'photo_daily_limit', zh: '旧版本的文字', en: 'old words', detail: { left: 0 } }
		};
		const restored = restoreFlow(JSON.stringify(saved));
		expect(restored?.notice).toEqual({ code: 'photo_daily_limit', detail: { left: 0 } });
		expect(noticeText(restored!.notice!).zh).toBe('今日照片上传次数已用完，请明天再试');
		// A code this version does not know is dropped, not shown as nothing.
		expect(restoreFlow(JSON.stringify({ ...saved, notice: { code: 'gone_code' } }))?.notice).toBeNull();
	});
});

function send(state: FlowState, ...events: FlowEvent[]): FlowState {
	return events.reduce((s, e) => {
		const next = transition(frozen(s), e);
		// Every state must survive the IndexedDB round trip unchanged.
		expect(restoreFlow(serializeFlow(next))).toEqual(next);
		return next;
	}, state);
}

/** The event that completes the current step successfully. */
function happyEvents(state: FlowState, at: number): FlowEvent[] {
	const policy = getPolicy(state.policyId);
	switch (state.status) {
		case 'consent':
			return [{ type: 'GIVE_CONSENT', terms: true, faceProcessing: true, at }];
		case 'confirm_record':
			return [{ type: 'CONFIRM_RECORD', at }];
		case 'id_capture':
			return policy.idSides
				.filter((s) => !state.idSides.includes(s))
				.map((side) => ({ type: 'ID_SIDE_CAPTURED', side, at }));
		case 'liveness':
			return [{ type: 'LIVENESS_PASSED', at }];
		case 'photo':
			return [
				{ type: 'PHOTO_UPLOADED', at },
				{ type: 'PHOTO_ACCEPTED', at }
			];
		case 'signature':
			return [{ type: 'SIGNATURE_SAVED', at }];
		case 'review':
			return [{ type: 'SUBMIT', at }];
		case 'submitting':
			return [{ type: 'SUBMIT_SUCCEEDED', admissionNumber: '012345678901', smsSent: true, at }];
		default:
			throw new Error(`no happy event from ${state.status}`);
	}
}

/** Walks the happy path until `status` is reached. */
function walkTo(policyId: string, status: FlowState['status'], at = T0): FlowState {
	let state = createFlow(policyId, at);
	for (let guard = 0; state.status !== status; guard++) {
		if (guard > 20) throw new Error(`never reached ${status}`);
		state = send(state, ...happyEvents(state, at));
	}
	return state;
}

const ALL_EVENTS: FlowEvent[] = [
	{ type: 'GIVE_CONSENT', terms: true, faceProcessing: true, at: T0 },
	{ type: 'CONFIRM_RECORD', at: T0 },
	{ type: 'RECORD_MISMATCH', at: T0 },
	{ type: 'ID_SIDE_CAPTURED', side: 'portrait', at: T0 },
	{ type: 'LIVENESS_PASSED', at: T0 },
	{ type: 'LIVENESS_FAILED', reason: 'timeout', at: T0 },
	{ type: 'FACE_MISMATCH', at: T0 },
	{ type: 'PHOTO_MISMATCH', at: T0 },
	{ type: 'PHOTO_UPLOADED', at: T0 },
	{ type: 'PHOTO_ACCEPTED', at: T0 },
	{ type: 'PHOTO_REJECTED', cause: 'mismatch', at: T0 },
	{ type: 'SIGNATURE_SAVED', at: T0 },
	{ type: 'SUBMIT', at: T0 },
	{ type: 'SUBMIT_QUEUED', at: T0 },
	{ type: 'SUBMIT_SUCCEEDED', smsSent: false, at: T0 },
	{ type: 'OUTCOME_SETTLED', admissionNumber: '420100000001', smsSent: true, at: T0 },
	{ type: 'SUBMIT_REJECTED', kind: 'identity_check', reason: 'mps', at: T0 },
	{ type: 'RETRY', at: T0 },
	{ type: 'REQUEST_MANUAL_REVIEW', at: T0 }
];

/** Events each status accepts (anything else must be refused with event_not_allowed and change nothing else). */
const ACCEPTED: Record<string, string[]> = {
	consent: ['GIVE_CONSENT'],
	confirm_record: ['CONFIRM_RECORD', 'RECORD_MISMATCH'],
	id_capture: ['ID_SIDE_CAPTURED'],
	liveness: ['LIVENESS_PASSED', 'LIVENESS_FAILED', 'FACE_MISMATCH', 'PHOTO_MISMATCH'],
	photo: ['PHOTO_UPLOADED', 'PHOTO_ACCEPTED', 'PHOTO_REJECTED'],
	signature: ['SIGNATURE_SAVED'],
	review: ['SUBMIT'],
	submitting: ['SUBMIT_QUEUED', 'SUBMIT_SUCCEEDED', 'SUBMIT_REJECTED'],
	done: ['OUTCOME_SETTLED']
};

describe.each(Object.keys(policies))('%s: happy path and refusals', (id) => {
	const policy = getPolicy(id);

	it("walks the policy's steps in order to the result", () => {
		let state = createFlow(id, T0);
		const seen: string[] = [state.status];
		while (state.status !== 'done') {
			state = send(state, ...happyEvents(state, T0));
			seen.push(state.status);
		}
		expect(seen).toEqual([...policy.steps, 'submitting', 'done']);
		expect(state.result).toEqual({ admissionNumber: '012345678901', smsSent: true });
		expect(state.notice).toBeNull();
		expect(missingSteps(state)).toEqual([]);
	});

	for (const status of Object.keys(ACCEPTED)) {
		if (status !== 'done' && status !== 'submitting' && !policy.steps.includes(status as never)) continue;
		it(`${status}: refuses every event it does not expect, changing nothing but the notice`, () => {
			const state = walkTo(id, status as FlowState['status']);
			for (const event of ALL_EVENTS) {
				if (ACCEPTED[status].includes(event.type)) continue;
				const next = transition(frozen(state), event);
				expect(next.notice?.code, `${status} + ${event.type}`).toBe('event_not_allowed');
				expect({ ...next, notice: null, updatedAt: 0 }).toEqual({ ...state, notice: null, updatedAt: 0 });
			}
		});
	}

	it('consent: both the terms and a separate face-processing consent are needed; on-site is the alternative', () => {
		const start = createFlow(id, T0);
		expect(
			send(start, { type: 'GIVE_CONSENT', terms: false, faceProcessing: true, at: T0 }).notice?.code
		).toBe('terms_required');
		const noFace = send(start, { type: 'GIVE_CONSENT', terms: true, faceProcessing: false, at: T0 });
		expect(noFace.status).toBe('consent');
		expect(noFace.notice?.code).toBe('face_consent_required');
		expect(noticeText(noFace.notice!).zh).toContain('现场确认');
		expect(send(noFace, { type: 'CHOOSE_ON_SITE', at: T0 }).status).toBe('on_site');
	});

	it('on-site confirmation can be chosen at every step before submission, and ends the flow', () => {
		for (const status of policy.steps) {
			const onSite = send(walkTo(id, status), { type: 'CHOOSE_ON_SITE', at: T0 });
			expect(onSite.status).toBe('on_site');
			expect(send(onSite, { type: 'CONFIRM_RECORD', at: T0 }).notice?.code).toBe('event_not_allowed');
		}
		expect(send(walkTo(id, 'done'), { type: 'CHOOSE_ON_SITE', at: T0 }).status).toBe('done');
	});

	it('offers on-site confirmation from manual review only where the policy names it after exhausted attempts', () => {
		const review = { ...walkTo(id, policy.steps[0]), status: 'manual_review' as const };
		const offered = !!policy.limits.attempts?.then.includes('on_site');
		expect(flowView(review, T0).canChooseOnSite).toBe(offered);
		const chosen = send(review, { type: 'CHOOSE_ON_SITE', at: T0 });
		expect(chosen.status).toBe(offered ? 'on_site' : 'manual_review');
		if (!offered) expect(chosen.notice?.code).toBe('event_not_allowed');
		for (const status of policy.steps) expect(flowView(walkTo(id, status), T0).canChooseOnSite).toBe(true);
	});

	it('id capture: needs every side the policy names and refuses others', () => {
		const state = walkTo(id, 'id_capture');
		if (policy.idSides.length === 2) {
			const one = send(state, { type: 'ID_SIDE_CAPTURED', side: 'portrait', at: T0 });
			expect(one.status).toBe('id_capture');
			expect(send(one, { type: 'ID_SIDE_CAPTURED', side: 'portrait', at: T0 }).idSides).toEqual(['portrait']);
			expect(send(one, { type: 'ID_SIDE_CAPTURED', side: 'emblem', at: T0 }).status).not.toBe('id_capture');
		} else {
			const wrong = send(state, { type: 'ID_SIDE_CAPTURED', side: 'emblem', at: T0 });
			expect(wrong.status).toBe('id_capture');
			expect(wrong.notice?.code).toBe('side_not_required');
		}
	});

	it('record mismatch: sends back to the ID capture where it came first, else stays with the reason', () => {
		const state = walkTo(id, 'confirm_record');
		const next = send(state, { type: 'RECORD_MISMATCH', field: 'name', at: T0 });
		expect(next.notice?.code).toBe('record_mismatch');
		if (policy.steps.indexOf('id_capture') < policy.steps.indexOf('confirm_record')) {
			expect(next.status).toBe('id_capture');
			expect(next.idSides).toEqual([]);
		} else expect(next.status).toBe('confirm_record');
	});

	it('review refuses to submit while a required step is missing (e.g. a tampered saved state)', () => {
		const review = walkTo(id, 'review');
		const tampered = restoreFlow({ ...review, livenessPassed: false }) as FlowState;
		const next = send(tampered, { type: 'SUBMIT', at: T0 });
		expect(next.status).toBe('review');
		expect(next.notice?.code).toBe('incomplete');
		expect(next.notice?.detail?.missing).toBe('liveness');
	});

	it('submitting: an offline submission is queued, then lands', () => {
		const queued = send(walkTo(id, 'submitting'), { type: 'SUBMIT_QUEUED', at: T0 });
		expect(queued.submitQueued).toBe(true);
		expect(queued.notice?.code).toBe('submit_queued');
		const done = send(queued, { type: 'SUBMIT_SUCCEEDED', smsSent: false, at: T0 + 60_000 });
		expect(done.status).toBe('done');
		expect(done.submitQueued).toBe(false);
	});
});

describe.each(Object.keys(policies))('%s: the server refuses the submission outright', (id) => {
	const refused = (reason: string, at = T0): FlowEvent => ({
		type: 'SUBMIT_REJECTED',
		kind: 'refused',
		reason,
		message: { zh: `服务器说明 ${reason}`, en: `server says ${reason}` },
		at
	});

	it('an altered bundle or an expired session leaves 提交中 for the office, with the reason and nothing counted', () => {
		for (const reason of ['bad_signature', 'malformed', 'challenge_expired', 'already_recorded', 'unknown']) {
			const submitting = walkTo(id, 'submitting');
			const next = send(submitting, refused(reason));
			expect(next.status).toBe('contact_office');
			expect(next.notice?.code).toBe('submit_refused');
			expect(noticeText(next.notice!).zh).toContain('联系当地自考办');
			expect(next.notice?.detail).toEqual({
				reason,
				reasonZh: `服务器说明 ${reason}`,
				reasonEn: `server says ${reason}`
			});
			expect(next.failures).toEqual([]);
			// What the candidate did stays: the refusal clears no evidence.
			expect({ ...next, status: 0, notice: 0, updatedAt: 0 }).toEqual({
				...submitting,
				status: 0,
				notice: 0,
				updatedAt: 0
			});
		}
	});

	it('missing liveness frames send the candidate back to the liveness step, then to submit again', () => {
		let state = send(walkTo(id, 'submitting'), refused('evidence_missing'));
		expect(state.status).toBe('liveness');
		expect(state.livenessPassed).toBe(false);
		expect(state.notice?.code).toBe('submit_redo');
		expect(state.notice?.detail?.reason).toBe('evidence_missing');
		expect(attemptsLeft(state)).toBe(attemptsLeft(walkTo(id, 'submitting')));
		for (let guard = 0; state.status !== 'submitting'; guard++) {
			expect(guard).toBeLessThan(10);
			state = send(state, ...happyEvents(state, T0));
		}
		expect(send(state, { type: 'SUBMIT_SUCCEEDED', smsSent: false, at: T0 }).status).toBe('done');
	});

	it('a refused photo sends the candidate back to the photo step', () => {
		const state = send(walkTo(id, 'submitting'), refused('photo_rejected'));
		const hasPhoto = getPolicy(id).steps.includes('photo');
		expect(state.status).toBe(hasPhoto ? 'photo' : 'contact_office');
		if (hasPhoto) expect(state.photoAccepted).toBe(false);
	});

	it("the server's rate limit keeps the submission to send again, with the reason", () => {
		const state = send(walkTo(id, 'submitting'), refused('rate_limited'));
		expect(state.status).toBe('submitting');
		expect(state.notice?.code).toBe('submit_retry_later');
		expect(state.notice?.detail?.reasonZh).toBe('服务器说明 rate_limited');
		const done = send(state, { type: 'SUBMIT_SUCCEEDED', smsSent: false, at: T0 });
		expect([done.status, done.notice]).toEqual(['done', null]);
	});

	it('the server\'s "attempts used up" ends online verification the policy\'s way', () => {
		const limit = getPolicy(id).limits.attempts;
		const state = send(walkTo(id, 'submitting'), refused('attempts_exhausted'));
		expect(state.status).toBe(limit ? limit.then[0] : 'contact_office');
		expect(state.notice?.code).toBe(limit ? 'attempts_exhausted' : 'submit_refused');
	});

	it('a refusal is taken only while submitting', () => {
		const review = walkTo(id, 'review');
		expect(transition(frozen(review), refused('bad_signature')).notice?.code).toBe('event_not_allowed');
	});
});

describe('fujian: no attempt limit stated', () => {
	it('any number of failures leaves attempts open and retries the failed step', () => {
		let state = walkTo('fujian', 'liveness');
		for (let i = 0; i < 10; i++) {
			state = send(state, { type: 'LIVENESS_FAILED', reason: 'timeout', at: T0 + i });
			expect(state.status).toBe('attempt_failed');
			expect(attemptsLeft(state)).toBeNull();
			state = send(state, { type: 'RETRY', at: T0 + i });
			expect(state.status).toBe('liveness');
			expect(state.idSides).toEqual(['portrait', 'emblem']);
		}
		expect(
			send(state, { type: 'LIVENESS_FAILED', reason: 'x', at: T0 }, { type: 'REQUEST_MANUAL_REVIEW', at: T0 })
				.notice?.code
		).toBe('event_not_allowed');
	});
});

describe('hubei: at most 3 verifications, then manual review or on-site', () => {
	it('counts liveness, face and photo mismatches; the third ends online verification', () => {
		let state = walkTo('hubei', 'liveness');
		state = send(state, { type: 'LIVENESS_FAILED', reason: 'no_voice', at: T0 });
		expect(state.status).toBe('attempt_failed');
		expect(attemptsLeft(state)).toBe(2);
		expect(state.notice?.detail).toMatchObject({ reason: 'no_voice', attemptsLeft: 2 });
		expect(flowView(state, T0).canRequestManualReview).toBe(true);

		// "Try again" restarts at the ID card (第三步(5)), and the ID sides must be captured again.
		state = send(state, { type: 'RETRY', at: T0 });
		expect(state.status).toBe('id_capture');
		expect(state.idSides).toEqual([]);
		state = send(
			state,
			{ type: 'ID_SIDE_CAPTURED', side: 'portrait', at: T0 },
			{ type: 'FACE_MISMATCH', similarity: 0.2, at: T0 }
		);
		expect(attemptsLeft(state)).toBe(1);

		state = send(state, { type: 'RETRY', at: T0 }, { type: 'ID_SIDE_CAPTURED', side: 'portrait', at: T0 });
		state = send(state, { type: 'LIVENESS_PASSED', at: T0 }, { type: 'PHOTO_UPLOADED', at: T0 });
		state = send(state, { type: 'PHOTO_REJECTED', cause: 'mismatch', at: T0 });
		expect(state.status).toBe('manual_review');
		expect(state.notice?.code).toBe('attempts_exhausted');
		expect(attemptsLeft(state)).toBe(0);
		// From manual review the candidate may still go on site; nothing else.
		expect(send(state, { type: 'RETRY', at: T0 }).notice?.code).toBe('event_not_allowed');
		expect(send(state, { type: 'CHOOSE_ON_SITE', at: T0 }).status).toBe('on_site');
	});

	it('a photo that breaks the format rules is redone without using an attempt', () => {
		let state = walkTo('hubei', 'photo');
		for (let i = 0; i < 5; i++) {
			state = send(
				state,
				{ type: 'PHOTO_UPLOADED', at: T0 },
				{ type: 'PHOTO_REJECTED', cause: 'noncompliant', reason: 'size', at: T0 }
			);
			expect(state.status).toBe('photo');
			expect(state.notice?.code).toBe('photo_noncompliant');
		}
		expect(attemptsLeft(state)).toBe(3);
	});

	it('manual review can be requested after any failed attempt (第四步(2) 人工审核)', () => {
		const failed = send(walkTo('hubei', 'liveness'), { type: 'LIVENESS_FAILED', reason: 'timeout', at: T0 });
		expect(send(failed, { type: 'REQUEST_MANUAL_REVIEW', at: T0 }).status).toBe('manual_review');
	});

	it('the fixed restart point cannot be skipped by asking for a later step', () => {
		const failed = send(walkTo('hubei', 'liveness'), { type: 'LIVENESS_FAILED', reason: 'timeout', at: T0 });
		expect(send(failed, { type: 'RETRY', step: 'liveness', at: T0 }).notice?.code).toBe(
			'retry_step_not_allowed'
		);
		expect(send(failed, { type: 'RETRY', step: 'signature', at: T0 }).notice?.code).toBe(
			'retry_step_not_allowed'
		);
	});

	it('success ends with the admission number and the SMS flag', () => {
		const done = walkTo('hubei', 'done');
		expect(done.result?.admissionNumber).toBe('012345678901');
		expect(done.signatureSaved).toBe(true);
	});

	it('a confirmation the last check clears later brings its admission number then, and only once done', () => {
		const held = send(walkTo('hubei', 'submitting'), { type: 'SUBMIT_SUCCEEDED', smsSent: false, at: T0 });
		expect(held.result).toEqual({ admissionNumber: null, smsSent: false });
		const settled = send(held, {
			type: 'OUTCOME_SETTLED',
			admissionNumber: '420100000001',
			smsSent: true,
			at: T0
		});
		expect(settled.status).toBe('done');
		expect(settled.result).toEqual({ admissionNumber: '420100000001', smsSent: true });
		const early = send(walkTo('hubei', 'signature'), {
			type: 'OUTCOME_SETTLED',
			admissionNumber: '420100000001',
			smsSent: true,
			at: T0
		});
		expect(early.notice?.code).toBe('event_not_allowed');
		expect(early.result).toBeNull();
	});
});

describe('beijing: 5 failures then contact the exam office; 15 photo uploads a day', () => {
	it('a live face that does not match the ID card portrait counts too (a stand-in cannot retry it freely)', () => {
		const state = send(walkTo('beijing', 'liveness'), { type: 'FACE_MISMATCH', similarity: 0.2, at: T0 });
		expect(state.status).toBe('attempt_failed');
		expect(attemptsLeft(state)).toBe(4);
	});

	it('a live face that is not the face on the accepted photo fails the photo: counted, retried from the photo', () => {
		const state = send(walkTo('beijing', 'liveness'), { type: 'PHOTO_MISMATCH', similarity: 0.2, at: T0 });
		expect(state.status).toBe('attempt_failed');
		expect(state.notice?.code).toBe('photo_mismatch');
		expect(state.failures.at(-1)).toMatchObject({
			kind: 'photo_match',
			reason: 'photo_mismatch',
			counted: true
		});
		expect(attemptsLeft(state)).toBe(4);
		const retried = send(state, { type: 'RETRY', at: T0 });
		expect(retried.status).toBe('photo');
		expect(retried.photoAccepted).toBe(false);
		expect(retried.livenessPassed).toBe(false);
	});

	it('counts liveness, photo-vs-action and ministry identity-check failures; the fifth ends in contact_office', () => {
		let state = walkTo('beijing', 'liveness');
		state = send(
			state,
			{ type: 'LIVENESS_FAILED', reason: 'still_image', at: T0 },
			{ type: 'RETRY', at: T0 }
		);
		expect(state.status).toBe('liveness');
		// The candidate may instead re-collect the photo (五(六) 重新采集照片), which clears what follows it.
		state = send(
			state,
			{ type: 'LIVENESS_FAILED', reason: 'timeout', at: T0 },
			{ type: 'RETRY', step: 'photo', at: T0 }
		);
		expect(state.status).toBe('photo');
		expect(state.photoAccepted).toBe(false);
		state = send(
			state,
			{ type: 'PHOTO_UPLOADED', at: T0 },
			{ type: 'PHOTO_REJECTED', cause: 'mismatch', at: T0 }
		);
		expect(attemptsLeft(state)).toBe(2);
		state = send(
			state,
			{ type: 'RETRY', at: T0 },
			{ type: 'PHOTO_UPLOADED', at: T0 },
			{ type: 'PHOTO_ACCEPTED', at: T0 }
		);
		state = send(state, { type: 'LIVENESS_PASSED', at: T0 }, { type: 'SUBMIT', at: T0 });
		state = send(state, { type: 'SUBMIT_REJECTED', kind: 'identity_check', reason: 'mps_mismatch', at: T0 });
		expect(state.status).toBe('attempt_failed');
		expect(state.notice?.code).toBe('identity_check_failed');
		expect(attemptsLeft(state)).toBe(1);
		expect(send(state, { type: 'REQUEST_MANUAL_REVIEW', at: T0 }).notice?.code).toBe('event_not_allowed');
		state = send(
			state,
			{ type: 'RETRY', at: T0 },
			{ type: 'LIVENESS_FAILED', reason: 'face_changed', at: T0 }
		);
		expect(state.status).toBe('contact_office');
		expect(state.notice?.code).toBe('attempts_exhausted');
		expect(send(state, { type: 'CHOOSE_ON_SITE', at: T0 }).status).toBe('contact_office');
	});

	it('allows 15 photo uploads per Beijing calendar day and resets at local midnight', () => {
		let state = walkTo('beijing', 'photo');
		const lateEvening = Date.UTC(2026, 3, 1, 15, 30); // 23:30 in Beijing
		for (let i = 0; i < 15; i++) {
			state = send(
				state,
				{ type: 'PHOTO_UPLOADED', at: lateEvening },
				{ type: 'PHOTO_REJECTED', cause: 'noncompliant', at: lateEvening }
			);
		}
		expect(photoUploadsLeft(state, lateEvening)).toBe(0);
		const refused = send(state, { type: 'PHOTO_UPLOADED', at: lateEvening + 60_000 });
		expect(refused.notice?.code).toBe('photo_daily_limit');
		expect(refused.photoUploads.count).toBe(15);
		const afterMidnight = Date.UTC(2026, 3, 1, 16, 1); // 00:01 the next day in Beijing
		expect(chinaDay(afterMidnight)).not.toBe(chinaDay(lateEvening));
		expect(photoUploadsLeft(state, afterMidnight)).toBe(15);
		const next = send(state, { type: 'PHOTO_UPLOADED', at: afterMidnight });
		expect(next.notice).toBeNull();
		expect(next.photoUploads).toEqual({ day: chinaDay(afterMidnight), count: 1 });
	});

	it('other provinces have no daily photo limit', () => {
		let state = walkTo('hubei', 'photo');
		for (let i = 0; i < 30; i++) state = send(state, { type: 'PHOTO_UPLOADED', at: T0 });
		expect(state.notice).toBeNull();
		expect(photoUploadsLeft(state, T0)).toBeNull();
	});
});

describe('the server counts the attempts', () => {
	it('failures of earlier sessions count: a new QR code does not reset the limit', () => {
		let state = createFlow('hubei', T0, 2);
		expect(attemptsLeft(state)).toBe(1);
		while (state.status !== 'liveness') state = send(state, ...happyEvents(state, T0));
		state = send(state, { type: 'LIVENESS_FAILED', reason: 'timeout', at: T0 });
		expect(state.status).toBe('manual_review');
		expect(state.notice?.detail).toMatchObject({ failures: 3, max: 3 });
	});

	it('a higher server count lowers the attempts left shown; a lower one changes nothing', () => {
		let state = send(walkTo('hubei', 'liveness'), { type: 'LIVENESS_FAILED', reason: 'timeout', at: T0 });
		expect(state.notice?.detail?.attemptsLeft).toBe(2);
		state = send(state, { type: 'SERVER_COUNT', failures: 2, exhausted: null, at: T0 });
		expect(state.status).toBe('attempt_failed');
		expect(attemptsLeft(state)).toBe(1);
		expect(state.notice?.detail?.attemptsLeft).toBe(1);
		state = send(state, { type: 'SERVER_COUNT', failures: 0, exhausted: null, at: T0 });
		expect(attemptsLeft(state)).toBe(1);
	});

	it('when the server says the attempts are used up, online verification ends wherever the candidate is', () => {
		let hubei = send(walkTo('hubei', 'liveness'), { type: 'LIVENESS_FAILED', reason: 'timeout', at: T0 });
		hubei = send(hubei, { type: 'RETRY', at: T0 });
		expect(hubei.status).toBe('id_capture');
		hubei = send(hubei, {
			type: 'SERVER_COUNT',
			failures: 3,
			exhausted: ['manual_review', 'on_site'],
			at: T0
		});
		expect(hubei.status).toBe('manual_review');
		expect(hubei.notice?.code).toBe('attempts_exhausted');

		const beijing = send(walkTo('beijing', 'photo'), {
			type: 'SERVER_COUNT',
			failures: 5,
			exhausted: ['contact_office'],
			at: T0
		});
		expect(beijing.status).toBe('contact_office');
	});

	it('a late answer neither reopens nor changes an ended flow, nor interrupts a submission', () => {
		const done = walkTo('hubei', 'done');
		const after = send(done, { type: 'SERVER_COUNT', failures: 3, exhausted: ['manual_review'], at: T0 });
		expect(after.status).toBe('done');
		expect(after.notice).toEqual(done.notice);
		const submitting = walkTo('hubei', 'submitting');
		expect(send(submitting, { type: 'SERVER_COUNT', failures: 1, exhausted: null, at: T0 }).status).toBe(
			'submitting'
		);
	});
});

describe('persistence', () => {
	it('restores a saved state and resumes at the same step', () => {
		const state = walkTo('beijing', 'photo');
		const restored = restoreFlow(serializeFlow(state)) as FlowState;
		expect(restored.status).toBe('photo');
		expect(
			send(restored, { type: 'PHOTO_UPLOADED', at: T0 }, { type: 'PHOTO_ACCEPTED', at: T0 }).status
		).toBe('liveness');
	});

	it('drops anything it did not write rather than trust it', () => {
		const state = walkTo('hubei', 'review');
		expect(restoreFlow('{not json')).toBeNull();
		expect(restoreFlow(null)).toBeNull();
		expect(restoreFlow({ ...state, version: 2 })).toBeNull();
		expect(restoreFlow({ ...state, policyId: 'atlantis' })).toBeNull();
		expect(restoreFlow({ ...state, status: 'skipped_to_done' })).toBeNull();
		expect(restoreFlow({ ...state, failures: 'none' })).toBeNull();
		expect(restoreFlow({ ...state, priorFailures: -1 })).toBeNull();
		expect(restoreFlow({ ...state, serverFailures: '3' })).toBeNull();
	});

	it('flowView reports step numbers and limits for the screen', () => {
		const view = flowView(walkTo('hubei', 'liveness'), T0);
		expect(view).toMatchObject({
			status: 'liveness',
			stepNumber: 4,
			stepCount: 7,
			attemptsLeft: 3,
			photoUploadsLeft: null
		});
	});
});
