// The candidate flow as a pure reducer: step(state, event) -> the next state and the effects it asks for (a failure
// report, a submission, …). The province policy (looked up by the id stored in the state) decides the steps, their
// order and every limit; the server enforces the same limits.
import { getPolicy } from '../policy/index.ts';
import { FACE_MISMATCH_REASON, PHOTO_MISMATCH_REASON } from '../policy/steps.ts';
import type { ExhaustedOutcome, FailureKind, FlowStep, ProvincePolicy } from '../policy/types.ts';
import { notice } from './notices.ts';
import { refusalRemedy } from './refusal.ts';
import type {
	FailureRecord,
	FlowEffect,
	FlowEvent,
	FlowState,
	FlowStatus,
	FlowStepResult,
	Notice
} from './types.ts';
import { chinaDay } from '../china-time.ts';

/** Steps a failed attempt can be retried from (they produce verification evidence). */
const RETRYABLE: readonly FlowStep[] = ['id_capture', 'liveness', 'photo'];
const STEPS: readonly FlowStatus[] = [
	'consent',
	'confirm_record',
	'id_capture',
	'liveness',
	'photo',
	'signature',
	'review'
];
const TERMINAL: readonly FlowStatus[] = ['done', 'manual_review', 'contact_office', 'on_site'];

/** `priorFailures`: counted failures the server already holds for this candidate (earlier sessions). */
export function createFlow(policyId: string, at: number, priorFailures = 0): FlowState {
	const policy = getPolicy(policyId);
	return {
		version: 1,
		policyId: policy.id,
		status: policy.steps[0],
		startedAt: at,
		updatedAt: at,
		consent: null,
		recordConfirmed: false,
		idSides: [],
		livenessPassed: false,
		photoAccepted: false,
		signatureSaved: false,
		failures: [],
		priorFailures,
		serverFailures: priorFailures,
		photoUploads: { day: '', count: 0 },
		failedStep: null,
		submitQueued: false,
		result: null,
		notice: null
	};
}

export function isTerminal(state: FlowState): boolean {
	return TERMINAL.includes(state.status);
}

/**
 * On-site confirmation is the alternative to face processing at any point before the result, never a dead end;
 * once in manual review, only where the policy offers it after exhausted attempts (its reviewers then decide).
 */
export function canChooseOnSite(state: FlowState): boolean {
	if (state.status === 'manual_review')
		return !!getPolicy(state.policyId).limits.attempts?.then.includes('on_site');
	return !['done', 'contact_office', 'submitting', 'on_site'].includes(state.status);
}

export function countedFailures(state: FlowState): number {
	return state.failures.filter((f) => f.counted).length;
}

/**
 * Failures that count against the limit: this session's on top of the earlier ones, or the server's own count when
 * it is higher (another session failed meanwhile, or a report from this one was counted before the phone knew).
 */
export function usedAttempts(state: FlowState): number {
	return Math.max((state.priorFailures ?? 0) + countedFailures(state), state.serverFailures ?? 0);
}

/** Attempts left before online verification ends, or null when the policy sets no limit. */
export function attemptsLeft(state: FlowState): number | null {
	const limit = getPolicy(state.policyId).limits.attempts;
	return limit ? Math.max(limit.max - usedAttempts(state), 0) : null;
}

/** Where a flow goes when its attempts are used up: the first outcome the policy (or server) offers. */
function exhaustedStatus(then: readonly ExhaustedOutcome[]): FlowStatus {
	return then.includes('manual_review')
		? 'manual_review'
		: then.includes('contact_office')
			? 'contact_office'
			: 'on_site';
}

/** Photo uploads left today, or null when unlimited. */
export function photoUploadsLeft(state: FlowState, at: number): number | null {
	const max = getPolicy(state.policyId).limits.photoUploadsPerDay;
	if (max === null) return null;
	const used = state.photoUploads.day === chinaDay(at) ? state.photoUploads.count : 0;
	return Math.max(max - used, 0);
}

function refuse(state: FlowState, n: Notice, at: number): FlowState {
	return { ...state, notice: n, updatedAt: at };
}

/** The step after `step` in the policy's order, skipping nothing (policies list only the steps they use). */
function nextStep(policy: ProvincePolicy, step: FlowStep): FlowStatus {
	const i = policy.steps.indexOf(step);
	return i >= 0 && i + 1 < policy.steps.length ? policy.steps[i + 1] : 'review';
}

function advance(state: FlowState, policy: ProvincePolicy, from: FlowStep, at: number): FlowState {
	return { ...state, status: nextStep(policy, from), notice: null, updatedAt: at };
}

/** Records a failure; ends online verification when it uses up the policy's attempts. */
function failAttempt(
	state: FlowState,
	policy: ProvincePolicy,
	kind: FailureKind,
	reason: string,
	step: FlowStep,
	n: Notice,
	at: number
): FlowState {
	const limit = policy.limits.attempts;
	const counted = !!limit && limit.counts.includes(kind);
	const record: FailureRecord = { kind, reason, step: state.status, at, counted };
	const failures = [...state.failures, record];
	const next: FlowState = { ...state, failures, failedStep: step, updatedAt: at };
	const used = usedAttempts(next);
	if (limit && counted && used >= limit.max) {
		return {
			...next,
			status: exhaustedStatus(limit.then),
			notice: notice('attempts_exhausted', { failures: used, max: limit.max })
		};
	}
	const left = limit ? limit.max - used : -1;
	return {
		...next,
		status: 'attempt_failed',
		notice: { ...n, detail: { ...n.detail, reason, attemptsLeft: left } }
	};
}

/** Clears the evidence of `step` and every step after it, so the candidate redoes them in order. */
function resetFrom(state: FlowState, policy: ProvincePolicy, step: FlowStep): FlowState {
	const order = policy.steps;
	const from = order.indexOf(step);
	const cleared = (s: FlowStep): boolean => order.indexOf(s) >= from;
	return {
		...state,
		idSides: cleared('id_capture') ? [] : state.idSides,
		recordConfirmed: cleared('confirm_record') ? false : state.recordConfirmed,
		livenessPassed: cleared('liveness') ? false : state.livenessPassed,
		photoAccepted: cleared('photo') ? false : state.photoAccepted,
		signatureSaved: cleared('signature') ? false : state.signatureSaved
	};
}

/** Everything the policy requires before submission. */
export function missingSteps(state: FlowState): FlowStep[] {
	const policy = getPolicy(state.policyId);
	const missing: FlowStep[] = [];
	const done: Record<FlowStep, boolean> = {
		consent: state.consent !== null,
		confirm_record: state.recordConfirmed,
		id_capture: policy.idSides.every((s) => state.idSides.includes(s)),
		liveness: state.livenessPassed,
		photo: policy.photo.kind === 'none' || state.photoAccepted,
		signature: !policy.signatureRequired || state.signatureSaved,
		review: true
	};
	for (const step of policy.steps) if (!done[step]) missing.push(step);
	return missing;
}

/** The next state and what the phone has to do about it. */
export function step(state: FlowState, event: FlowEvent): FlowStepResult {
	const next = reduce(state, event);
	return { state: next, effects: effectsOf(state, event, next) };
}

export function transition(state: FlowState, event: FlowEvent): FlowState {
	return step(state, event).state;
}

/** Failures the server found itself (a refused submission): it counted them already, so they are not reported. */
const FOUND_BY_SERVER: readonly FlowEvent['type'][] = ['SUBMIT_REJECTED'];

function effectsOf(before: FlowState, event: FlowEvent, after: FlowState): FlowEffect[] {
	const effects: FlowEffect[] = [];
	const failure =
		after.failures.length > before.failures.length ? after.failures[after.failures.length - 1] : undefined;
	if (failure && !FOUND_BY_SERVER.includes(event.type)) effects.push({ type: 'report_failure', failure });
	if (after.consent?.versions && after.consent !== before.consent)
		effects.push({ type: 'record_consent', versions: after.consent.versions });
	if (event.type === 'REQUEST_MANUAL_REVIEW' && after.status === 'manual_review')
		effects.push({ type: 'request_review' });
	if (event.type === 'SUBMIT' && after.status === 'submitting') effects.push({ type: 'submit' });
	if (event.type === 'SUBMIT_REJECTED' && before.status === 'submitting' && after.status !== 'submitting')
		effects.push({ type: 'discard_submission' });
	return effects;
}

function reduce(state: FlowState, event: FlowEvent): FlowState {
	const policy = getPolicy(state.policyId);
	const at = event.at;
	const notAllowed = (): FlowState =>
		refuse(state, notice('event_not_allowed', { event: event.type, status: state.status }), at);

	if (event.type === 'CHOOSE_ON_SITE') {
		if (state.status === 'on_site') return state;
		if (!canChooseOnSite(state)) return notAllowed();
		return { ...state, status: 'on_site', notice: null, updatedAt: at };
	}
	if (event.type === 'SERVER_COUNT') return serverCount(state, policy, event);
	if (event.type === 'OUTCOME_SETTLED') {
		if (state.status !== 'done') return notAllowed();
		const result = { admissionNumber: event.admissionNumber, smsSent: event.smsSent };
		return { ...state, result, updatedAt: at };
	}
	if (isTerminal(state)) return notAllowed();
	if (event.type === 'RENEW_CONSENT') {
		if (!state.consent || state.status === 'submitting') return notAllowed();
		if (!event.terms) return refuse(state, notice('terms_required'), at);
		if (!event.faceProcessing) return refuse(state, notice('face_consent_required'), at);
		return {
			...state,
			consent: { ...state.consent, at, versions: event.versions },
			notice: null,
			updatedAt: at
		};
	}

	switch (state.status) {
		case 'consent':
			if (event.type !== 'GIVE_CONSENT') return notAllowed();
			if (!event.terms) return refuse(state, notice('terms_required'), at);
			if (!event.faceProcessing) return refuse(state, notice('face_consent_required'), at);
			return advance(
				{ ...state, consent: { terms: true, faceProcessing: true, at, versions: event.versions } },
				policy,
				'consent',
				at
			);

		case 'confirm_record':
			if (event.type === 'CONFIRM_RECORD')
				return advance({ ...state, recordConfirmed: true }, policy, 'confirm_record', at);
			if (event.type === 'RECORD_MISMATCH') {
				const n = notice('record_mismatch', event.field ? { field: event.field } : undefined);
				// Where the ID was captured first (Beijing 三(五) 重新录入), a mismatch sends the candidate back to it.
				if (policy.steps.indexOf('id_capture') < policy.steps.indexOf('confirm_record')) {
					return {
						...resetFrom(state, policy, 'id_capture'),
						status: 'id_capture',
						notice: n,
						updatedAt: at
					};
				}
				return refuse(state, n, at);
			}
			return notAllowed();

		case 'id_capture': {
			if (event.type !== 'ID_SIDE_CAPTURED') return notAllowed();
			if (!policy.idSides.includes(event.side))
				return refuse(state, notice('side_not_required', { side: event.side }), at);
			const idSides = state.idSides.includes(event.side) ? state.idSides : [...state.idSides, event.side];
			const next = { ...state, idSides, notice: null, updatedAt: at };
			return policy.idSides.every((s) => idSides.includes(s))
				? advance(next, policy, 'id_capture', at)
				: next;
		}

		case 'liveness':
			if (event.type === 'LIVENESS_PASSED')
				return advance({ ...state, livenessPassed: true }, policy, 'liveness', at);
			if (event.type === 'LIVENESS_FAILED') {
				return failAttempt(
					state,
					policy,
					'liveness',
					event.reason,
					'liveness',
					notice('liveness_failed'),
					at
				);
			}
			if (event.type === 'FACE_MISMATCH') {
				const n = notice(
					'face_mismatch',
					event.similarity === undefined ? undefined : { similarity: event.similarity }
				);
				return failAttempt(
					{ ...state, livenessPassed: false },
					policy,
					'face_match',
					FACE_MISMATCH_REASON,
					'liveness',
					n,
					at
				);
			}
			if (event.type === 'PHOTO_MISMATCH') {
				// The photo is what failed: "try again" from the failed step starts at the photo.
				const n = notice(
					'photo_mismatch',
					event.similarity === undefined ? undefined : { similarity: event.similarity }
				);
				return failAttempt(
					{ ...state, livenessPassed: false, photoAccepted: false },
					policy,
					'photo_match',
					PHOTO_MISMATCH_REASON,
					'photo',
					n,
					at
				);
			}
			return notAllowed();

		case 'photo':
			if (event.type === 'PHOTO_UPLOADED') {
				const max = policy.limits.photoUploadsPerDay;
				const day = chinaDay(at);
				const used = state.photoUploads.day === day ? state.photoUploads.count : 0;
				if (max !== null && used >= max) return refuse(state, notice('photo_daily_limit', { max, day }), at);
				return { ...state, photoUploads: { day, count: used + 1 }, notice: null, updatedAt: at };
			}
			if (event.type === 'PHOTO_ACCEPTED')
				return advance({ ...state, photoAccepted: true }, policy, 'photo', at);
			if (event.type === 'PHOTO_REJECTED') {
				// A photo that breaks the format rules is simply redone; one that is not the candidate is a failed attempt.
				if (event.cause === 'noncompliant') {
					return refuse(
						state,
						notice('photo_noncompliant', event.reason ? { reason: event.reason } : undefined),
						at
					);
				}
				return failAttempt(
					state,
					policy,
					'photo_match',
					event.reason ?? PHOTO_MISMATCH_REASON,
					'photo',
					notice('photo_mismatch'),
					at
				);
			}
			return notAllowed();

		case 'signature':
			if (event.type !== 'SIGNATURE_SAVED') return notAllowed();
			return advance({ ...state, signatureSaved: true }, policy, 'signature', at);

		case 'review': {
			if (event.type !== 'SUBMIT') return notAllowed();
			const missing = missingSteps(state);
			if (missing.length) return refuse(state, notice('incomplete', { missing: missing.join(',') }), at);
			return { ...state, status: 'submitting', submitQueued: false, notice: null, updatedAt: at };
		}

		case 'submitting':
			if (event.type === 'SUBMIT_QUEUED')
				return { ...state, submitQueued: true, notice: notice('submit_queued'), updatedAt: at };
			if (event.type === 'SUBMIT_SUCCEEDED') {
				const result = { admissionNumber: event.admissionNumber ?? null, smsSent: event.smsSent };
				return { ...state, status: 'done', submitQueued: false, result, notice: null, updatedAt: at };
			}
			if (event.type === 'SUBMIT_REJECTED' && event.kind === 'refused') return refused(state, policy, event);
			if (event.type === 'SUBMIT_REJECTED') {
				const kind: FailureKind = event.kind;
				// Every server-side refusal concerns the face evidence, so "try again" starts at the liveness step.
				const step: FlowStep = 'liveness';
				const n = notice(
					kind === 'identity_check'
						? 'identity_check_failed'
						: kind === 'face_match'
							? 'face_mismatch'
							: 'liveness_failed'
				);
				return failAttempt({ ...state, submitQueued: false }, policy, kind, event.reason, step, n, at);
			}
			return notAllowed();

		case 'attempt_failed': {
			if (event.type === 'REQUEST_MANUAL_REVIEW') {
				if (!policy.limits.attempts?.then.includes('manual_review')) return notAllowed();
				return { ...state, status: 'manual_review', notice: null, updatedAt: at };
			}
			if (event.type !== 'RETRY') return notAllowed();
			const failed = state.failedStep ?? 'liveness';
			const step = event.step ?? (policy.retryFrom === 'failed_step' ? failed : policy.retryFrom);
			if (!RETRYABLE.includes(step) || !policy.steps.includes(step)) {
				return refuse(state, notice('retry_step_not_allowed', { step }), at);
			}
			// A fixed restart point (Hubei: back to the ID card) may not be skipped by asking for a later step.
			if (
				policy.retryFrom !== 'failed_step' &&
				policy.steps.indexOf(step) > policy.steps.indexOf(policy.retryFrom)
			) {
				return refuse(state, notice('retry_step_not_allowed', { step }), at);
			}
			return { ...resetFrom(state, policy, step), status: step, notice: null, updatedAt: at };
		}
		default:
			return notAllowed();
	}
}

/**
 * The server refused the submission without judging it. Nothing counts as a failed attempt; the candidate is told
 * why (the server's message) and what to do: wait and resend, redo the step the server named, or contact the office.
 */
function refused(
	state: FlowState,
	policy: ProvincePolicy,
	event: Extract<FlowEvent, { type: 'SUBMIT_REJECTED'; kind: 'refused' }>
): FlowState {
	const at = event.at;
	const detail = { reason: event.reason, reasonZh: event.message.zh, reasonEn: event.message.en };
	const remedy = refusalRemedy(event.reason);
	if (remedy.then === 'resend')
		return { ...state, notice: notice('submit_retry_later', detail), updatedAt: at };
	const left = { ...state, submitQueued: false, updatedAt: at };
	const limit = policy.limits.attempts;
	if (remedy.then === 'exhausted' && limit) {
		return { ...left, status: exhaustedStatus(limit.then), notice: notice('attempts_exhausted', detail) };
	}
	if (remedy.then === 'redo' && policy.steps.includes(remedy.step)) {
		return {
			...resetFrom(left, policy, remedy.step),
			status: remedy.step,
			notice: notice('submit_redo', detail)
		};
	}
	return { ...left, status: 'contact_office', notice: notice('submit_refused', detail) };
}

/**
 * The server's answer to a reported failure. It may arrive after the candidate moved on (a retry, a reload), so
 * it is taken in any state; once the server says the attempts are used up, online verification ends here too.
 */
function serverCount(
	state: FlowState,
	policy: ProvincePolicy,
	event: Extract<FlowEvent, { type: 'SERVER_COUNT' }>
): FlowState {
	const counted = { ...state, serverFailures: Math.max(state.serverFailures ?? 0, event.failures) };
	if (isTerminal(state) || state.status === 'submitting') return counted;
	const max = policy.limits.attempts?.max ?? null;
	if (event.exhausted?.length) {
		return {
			...counted,
			status: exhaustedStatus(event.exhausted),
			notice: notice('attempts_exhausted', { failures: event.failures, ...(max ? { max } : {}) }),
			updatedAt: event.at
		};
	}
	if (state.status === 'attempt_failed' && state.notice && max !== null) {
		const left = Math.max(max - usedAttempts(counted), 0);
		return {
			...counted,
			notice: { ...state.notice, detail: { ...state.notice.detail, attemptsLeft: left } }
		};
	}
	return counted;
}

/** What a screen needs besides the state itself. */
export function flowView(state: FlowState, at: number) {
	const policy = getPolicy(state.policyId);
	const index = STEPS.includes(state.status) ? policy.steps.indexOf(state.status as FlowStep) : -1;
	return {
		status: state.status,
		stepNumber: index >= 0 ? index + 1 : null,
		stepCount: policy.steps.length,
		attemptsLeft: attemptsLeft(state),
		photoUploadsLeft: photoUploadsLeft(state, at),
		canRequestManualReview:
			state.status === 'attempt_failed' && !!policy.limits.attempts?.then.includes('manual_review'),
		canChooseOnSite: canChooseOnSite(state),
		notice: state.notice
	};
}
