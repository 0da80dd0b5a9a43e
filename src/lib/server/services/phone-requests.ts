// Signed requests from the phone during a session: failed attempts the server counts (it is the authority on the
// limit, not the phone), and challenge extensions (the challenge has a time limit, so there is a way to extend it).
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/bundle/canonical.ts';
import {
	SignedAttemptSchema,
	SignedExtendSchema,
	SignedReviewSchema,
	verifyPhoneRequest,
	type AttemptPayload,
	type ExtendPayload,
	type ReviewPayload,
	type RequestVerdict
} from '../../core/bundle/request.ts';
import type { Challenge, StepResult } from '../../core/bundle/schema.ts';
import type { FailureKind } from '../../core/policy/types.ts';
import { audit } from '../audit.ts';
import { config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { serverPolicy } from '../policy.ts';
import { ServiceError } from './errors.ts';
import { attemptsExhausted, countFailure } from './limits.ts';
import { recordOutcomeEvent } from './outcome.ts';
import { loadPhoneSession, RECORDED } from './phone-session.ts';

/** A request sent as the challenge runs out still arrives a moment later. */
const EXTEND_GRACE_MS = 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function refuse<T>(verdict: RequestVerdict<T>): asserts verdict is { ok: true; payload: T } {
	if (!verdict.ok) {
		const status = verdict.code === 'challenge_expired' ? 410 : 400;
		throw new ServiceError(status, verdict.code, verdict.zh, verdict.en);
	}
}

const alreadyRecorded = () =>
	new ServiceError(409, 'already_recorded', '本次确认已完成', 'This confirmation is already recorded.');

/** What the province's limit calls a failed step. A liveness step failed on the face comparison is a face match. */
export function failureKind(step: StepResult): FailureKind | null {
	if (step.kind === 'idcard') return 'identity_check';
	if (step.kind === 'photo') return 'photo_match';
	if (step.kind === 'liveness') return step.reasons?.includes('face_mismatch') ? 'face_match' : 'liveness';
	return null;
}

export interface AttemptAnswer {
	/** Whether the province's limit counts this kind of failure. */
	counted: boolean;
	failures: number;
	max: number | null;
	/** null = no limit in this province. */
	attemptsLeft: number | null;
	/** What to do once the attempts are used up (set when this one used the last). */
	next: readonly string[] | null;
	/** True when this report had already been received (the phone resent it). */
	duplicate: boolean;
}

export async function reportAttempt(
	db: Db,
	sessionId: string,
	input: unknown,
	now = new Date()
): Promise<AttemptAnswer> {
	const session = await loadPhoneSession(db, sessionId, false);
	if (RECORDED.has(session.status)) {
		if (session.online_blocked) throw attemptsExhausted(session.online_blocked);
		throw alreadyRecorded();
	}
	const verdict = await verifyPhoneRequest<AttemptPayload>(input, SignedAttemptSchema, {
		sessionId,
		publicKey: session.device_public_key,
		challenge: session.challenge,
		now
	});
	refuse(verdict);
	const { payload } = verdict;
	if (payload.candidate.idNumber.toUpperCase() !== session.id_number.toUpperCase()) {
		throw new ServiceError(
			400,
			'id_mismatch',
			'身份证号码与报名信息不一致',
			'The ID number differs from the record.'
		);
	}
	if (payload.step.passed) {
		throw new ServiceError(
			400,
			'not_a_failure',
			'只能报告未通过的步骤',
			'Only a failed step can be reported.'
		);
	}
	const kind = failureKind(payload.step);
	if (!kind) {
		throw new ServiceError(
			400,
			'not_countable',
			`“${payload.step.kind}”步骤不计入验证次数`,
			`A "${payload.step.kind}" step is not a verification attempt.`
		);
	}
	const { policy } = serverPolicy(session.province);
	const counted = policy.limits.attempts?.counts.includes(kind) ?? false;
	const bundleSha = sha256(canonicalJson(input));

	return db.transaction().execute(async (tx) => {
		const locked = await loadPhoneSession(tx, sessionId, true);
		// The candidate's row serialises counting across sessions and server instances (as for submissions).
		const candidate = await tx
			.selectFrom('candidates')
			.select(['id', 'online_blocked'])
			.where('id', '=', locked.candidate_id)
			.forUpdate()
			.executeTakeFirstOrThrow();
		const earlier = await tx
			.selectFrom('failed_attempts')
			.select('bundle_sha256')
			.where('session_id', '=', sessionId)
			.where('attempt_no', '=', payload.attempt)
			.executeTakeFirst();
		if (earlier && earlier.bundle_sha256 !== bundleSha) {
			throw new ServiceError(
				409,
				'attempt_reported',
				`第 ${payload.attempt} 次尝试已报告过`,
				`Attempt ${payload.attempt} was already reported with other results.`
			);
		}
		if (!earlier) {
			if (candidate.online_blocked) throw attemptsExhausted(candidate.online_blocked);
			if (RECORDED.has(locked.status)) throw alreadyRecorded();
			await tx
				.insertInto('failed_attempts')
				.values({
					session_id: sessionId,
					candidate_id: candidate.id,
					attempt_no: payload.attempt,
					step_kind: payload.step.kind,
					category: kind,
					counted,
					bundle: JSON.stringify(input),
					bundle_sha256: bundleSha
				})
				.execute();
		}
		const state = await countFailure(tx, policy, candidate.id);
		if (!earlier) {
			await audit(tx, {
				actor: 'phone',
				action: 'attempt.failed',
				sessionId,
				candidateId: candidate.id,
				detail: { attempt: payload.attempt, step: payload.step.kind, kind, counted, failures: state.failures }
			});
			// The last attempt ends this session: its outcome is recorded (the registration system is told), and
			// where the policy says so (Hubei) it is queued for a manual review.
			if (state.exhausted) {
				const review = state.exhausted.includes('manual_review');
				const reviewReasons = review
					? [{ code: 'attempts_exhausted', zh: '在线确认次数已用完', en: 'Online attempts are used up' }]
					: [];
				const ending = { sessionId, candidateId: candidate.id, bundle: input, bundleSha, reviewReasons };
				await endSession(tx, { ...ending, result: 'failed' }, now);
			}
		}
		const left = state.max === null ? null : Math.max(state.max - state.failures, 0);
		return {
			counted,
			failures: state.failures,
			max: state.max,
			attemptsLeft: left,
			next:
				state.exhausted ??
				(left === 0 && candidate.online_blocked ? candidate.online_blocked.split(',') : null),
			duplicate: !!earlier
		};
	});
}

interface Ending {
	sessionId: string;
	candidateId: number;
	/** The signed request that ended the session, kept as the outcome's evidence. */
	bundle: unknown;
	bundleSha: string;
	result: 'failed' | 'review';
	/** Non-empty: the outcome waits in the review queue with these reasons. */
	reviewReasons: { code: string; zh: string; en: string }[];
}

/** Ends the session on a signed phone request: its outcome (the registration system is told), and its status. */
async function endSession(tx: Db, end: Ending, now: Date): Promise<void> {
	const outcome = await tx
		.insertInto('outcomes')
		.values({
			session_id: end.sessionId,
			candidate_id: end.candidateId,
			result: end.result,
			bundle: JSON.stringify(end.bundle),
			bundle_sha256: end.bundleSha,
			review_status: end.reviewReasons.length ? 'pending' : 'none',
			review_reasons: JSON.stringify(end.reviewReasons)
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	await tx
		.updateTable('verification_sessions')
		.set({ status: end.result, completed_at: now })
		.where('id', '=', end.sessionId)
		.execute();
	await recordOutcomeEvent(tx, outcome.id, now);
}

export interface ExtendAnswer {
	/** The challenge with its new expiry: the phone signs this one from now on. */
	challenge: Challenge;
	extensionsLeft: number;
}

export async function extendChallenge(
	db: Db,
	sessionId: string,
	input: unknown,
	now = new Date()
): Promise<ExtendAnswer> {
	const session = await loadPhoneSession(db, sessionId, false);
	if (RECORDED.has(session.status)) throw alreadyRecorded();
	const check = (challenge: Challenge) =>
		verifyPhoneRequest<ExtendPayload>(input, SignedExtendSchema, {
			sessionId,
			publicKey: session.device_public_key,
			challenge,
			now,
			graceMs: EXTEND_GRACE_MS
		});
	const verdict = await check(session.challenge);
	if (!verdict.ok && verdict.code === 'challenge_mismatch') {
		// The phone resent its last extension because the answer was lost: it gets the same answer again.
		const again = await lastExtension(db, sessionId, session.challenge, check);
		if (again) return again;
	}
	refuse(verdict);
	const { payload } = verdict;
	return db.transaction().execute(async (tx) => {
		const locked = await loadPhoneSession(tx, sessionId, true);
		if (RECORDED.has(locked.status)) throw alreadyRecorded();
		// Checked again under the lock: a concurrent extension has changed the stored challenge.
		if (canonicalJson(locked.challenge) !== canonicalJson(payload.challenge)) {
			throw new ServiceError(
				409,
				'challenge_mismatch',
				'挑战码已更新',
				'The challenge has changed meanwhile.'
			);
		}
		const done = Number(
			(
				await tx
					.selectFrom('audit_log')
					.select((eb) => eb.fn.countAll().as('n'))
					.where('session_id', '=', sessionId)
					.where('action', '=', 'challenge.extended')
					.executeTakeFirstOrThrow()
			).n
		);
		if (done >= config.challengeExtensions) {
			throw new ServiceError(
				409,
				'no_extensions_left',
				'已无法再延长时间，请在电脑上重新开始',
				'The time cannot be extended again; please start again from the PC.'
			);
		}
		if (payload.extension !== done + 1) {
			throw new ServiceError(
				409,
				'extension_number',
				'延时请求序号不正确',
				`This is extension ${done + 1}, the request says ${payload.extension}.`
			);
		}
		const expiresAt = new Date(
			Math.max(Date.parse(locked.challenge.expiresAt), now.getTime()) + config.challengeTtlMs
		).toISOString();
		const challenge: Challenge = { ...locked.challenge, expiresAt };
		await tx
			.updateTable('verification_sessions')
			.set({ challenge: JSON.stringify(challenge) })
			.where('id', '=', sessionId)
			.execute();
		await audit(tx, {
			actor: 'phone',
			action: 'challenge.extended',
			sessionId,
			candidateId: locked.candidate_id,
			detail: { extension: payload.extension, from: locked.challenge.expiresAt, to: expiresAt }
		});
		return { challenge, extensionsLeft: config.challengeExtensions - payload.extension };
	});
}

async function lastExtension(
	db: Db,
	sessionId: string,
	current: Challenge,
	check: (challenge: Challenge) => Promise<RequestVerdict<ExtendPayload>>
): Promise<ExtendAnswer | null> {
	const last = await db
		.selectFrom('audit_log')
		.select('detail')
		.where('session_id', '=', sessionId)
		.where('action', '=', 'challenge.extended')
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
	const detail = last?.detail as { extension?: number; from?: string; to?: string } | undefined;
	if (!detail?.from || detail.to !== current.expiresAt || typeof detail.extension !== 'number') return null;
	const resent = await check({ ...current, expiresAt: detail.from });
	if (!resent.ok || resent.payload.extension !== detail.extension) return null;
	return { challenge: current, extensionsLeft: config.challengeExtensions - detail.extension };
}

/**
 * The candidate asks for a manual review after a failed attempt (where the policy offers it): the session ends
 * with an outcome held for review, carrying the request; the reviewer sees the failed attempts reported before.
 * A resent request (lost answer) gets the same answer.
 */
export async function requestReview(
	db: Db,
	sessionId: string,
	input: unknown,
	now = new Date()
): Promise<{ outcome: 'review' }> {
	const session = await loadPhoneSession(db, sessionId, false);
	const verdict = await verifyPhoneRequest<ReviewPayload>(input, SignedReviewSchema, {
		sessionId,
		publicKey: session.device_public_key,
		challenge: session.challenge,
		now
	});
	refuse(verdict);
	if (verdict.payload.candidate.idNumber.toUpperCase() !== session.id_number.toUpperCase()) {
		throw new ServiceError(
			400,
			'id_mismatch',
			'身份证号码与报名信息不一致',
			'The ID number differs from the record.'
		);
	}
	const { policy } = serverPolicy(session.province);
	if (!policy.limits.attempts?.then.includes('manual_review')) {
		throw new ServiceError(
			400,
			'review_not_offered',
			'本省不提供人工审核',
			'This province offers no manual review.'
		);
	}
	const bundleSha = sha256(canonicalJson(input));
	return db.transaction().execute(async (tx) => {
		const locked = await loadPhoneSession(tx, sessionId, true);
		if (RECORDED.has(locked.status)) {
			const earlier = await tx
				.selectFrom('outcomes')
				.select('bundle_sha256')
				.where('session_id', '=', sessionId)
				.executeTakeFirst();
			if (earlier?.bundle_sha256 === bundleSha) return { outcome: 'review' as const };
			throw alreadyRecorded();
		}
		const failed = await tx
			.selectFrom('failed_attempts')
			.select((eb) => eb.fn.countAll().as('n'))
			.where('session_id', '=', sessionId)
			.executeTakeFirstOrThrow();
		if (Number(failed.n) === 0) {
			throw new ServiceError(
				409,
				'nothing_to_review',
				'尚无未通过的验证，无需人工审核',
				'No failed attempt has been reported: there is nothing to review.'
			);
		}
		const reviewReasons = [
			{
				code: 'review_requested',
				zh: '考生在验证未通过后申请人工审核',
				en: 'The candidate asked for a manual review after a failed attempt'
			}
		];
		const ending = { sessionId, candidateId: locked.candidate_id, bundle: input, bundleSha, reviewReasons };
		await endSession(tx, { ...ending, result: 'review' }, now);
		await audit(tx, {
			actor: 'phone',
			action: 'review.requested',
			sessionId,
			candidateId: locked.candidate_id,
			detail: { failedAttempts: Number(failed.n) }
		});
		return { outcome: 'review' as const };
	});
}
