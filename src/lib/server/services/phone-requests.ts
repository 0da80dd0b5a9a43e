// Signed requests from the phone during a session: failed attempts the server counts (it is the authority on the
// limit, not the phone), and challenge extensions (the challenge has a time limit, so there is a way to extend it).
import type { Message } from '../../core/text.ts';
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
import type { AttemptAnswer, ExtendAnswer } from '../../core/bundle/answers.ts';
import type { Challenge } from '../../core/bundle/schema.ts';
import { isRecorded } from '../../core/outcome.ts';
import { failureKindOf } from '../../core/policy/steps.ts';
import { audit, type AuditEntry } from '../audit.ts';
import { config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { serverPolicy, type ServerPolicy } from '../policy.ts';
import { countingDashboard } from './dashboard-counts.ts';
import { ServiceError } from './errors.ts';
import { ATTEMPTS_EXHAUSTED, attemptsExhausted, blockedOutcomes, countFailure } from './limits.ts';
import { alreadyRecorded, loadPhoneSession, sessionCandidate, type PhoneSession } from './phone-session.ts';
import { recordOutcome, type LockedCandidate } from './record-outcome.ts';

/** A request sent as the challenge runs out still arrives a moment later. */
const EXTEND_GRACE_MS = 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A signed request the checks refused, as the error the phone reads (an expired challenge is 410 Gone). */
export function refuse<T>(verdict: RequestVerdict<T>): asserts verdict is { ok: true; payload: T } {
	if (!verdict.ok) {
		const status = verdict.code === 'challenge_expired' ? 410 : 400;
		throw new ServiceError(status, verdict.code, verdict.zh, verdict.en);
	}
}

export async function reportAttempt(
	db: Db,
	sessionId: string,
	input: unknown,
	now = new Date()
): Promise<AttemptAnswer> {
	const session = await loadPhoneSession(db, sessionId, false);
	if (isRecorded(session.status)) {
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
	const kind = failureKindOf(payload.step);
	if (!kind) {
		throw new ServiceError(
			400,
			'not_countable',
			`“${payload.step.kind}”步骤不计入验证次数`,
			`A "${payload.step.kind}" step is not a verification attempt.`
		);
	}
	const sp = serverPolicy(session.province);
	const { policy } = sp;
	const counted = policy.limits.attempts?.counts.includes(kind) ?? false;
	const bundleSha = sha256(canonicalJson(input));

	return db.transaction().execute(async (tx) => {
		// Locks the session's and the candidate's rows: the candidate's serialises counting across sessions and
		// server instances (as for submissions).
		const locked = await loadPhoneSession(tx, sessionId, true);
		const candidate = { ...sessionCandidate(locked), online_blocked: locked.online_blocked };
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
			if (isRecorded(locked.status)) throw alreadyRecorded();
			await countingDashboard(
				tx,
				[sessionId],
				() =>
					tx
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
						.execute(),
				[candidate.id]
			);
		}
		const state = await countFailure(tx, policy, candidate.id);
		if (!earlier) {
			const failed: AuditEntry = {
				actor: 'phone',
				action: 'attempt.failed',
				sessionId,
				candidateId: candidate.id,
				detail: { attempt: payload.attempt, step: payload.step.kind, kind, counted, failures: state.failures }
			};
			// The last attempt ends this session: its outcome is recorded (the registration system is told), and
			// where the policy says so (Hubei) it is queued for a manual review.
			if (state.exhausted) {
				const reviewReasons = state.exhausted.includes('manual_review') ? [ATTEMPTS_EXHAUSTED] : [];
				const ending = { sessionId, candidate, sp, bundle: input, bundleSha, reviewReasons };
				await endSession(tx, { ...ending, result: 'failed' }, now, failed);
			} else {
				await countingDashboard(tx, [sessionId], () => audit(tx, failed));
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
				(left === 0 && candidate.online_blocked ? blockedOutcomes(candidate.online_blocked) : null),
			duplicate: !!earlier
		};
	});
}

interface Ending {
	sessionId: string;
	candidate: LockedCandidate;
	sp: ServerPolicy;
	/** The signed request that ended the session, kept as the outcome's evidence. */
	bundle: unknown;
	bundleSha: string;
	result: 'failed' | 'review';
	/** Non-empty: the outcome waits in the review queue with these reasons. */
	reviewReasons: Message[];
}

/** Ends the session on a signed phone request: its outcome, recorded as every outcome is (recordOutcome). */
async function endSession(tx: Db, end: Ending, now: Date, audit: AuditEntry): Promise<void> {
	await recordOutcome(tx, {
		sessionId: end.sessionId,
		candidate: end.candidate,
		record: {
			kind: 'new',
			bundleJson: JSON.stringify(end.bundle),
			bundleSha256: end.bundleSha,
			reviewReasons: end.reviewReasons
		},
		result: end.result,
		reviewStatus: end.reviewReasons.length ? 'pending' : 'none',
		policy: end.sp,
		audit: [audit],
		now
	});
}

export async function extendChallenge(
	db: Db,
	sessionId: string,
	input: unknown,
	now = new Date()
): Promise<ExtendAnswer> {
	const session = await loadPhoneSession(db, sessionId, false);
	if (isRecorded(session.status)) throw alreadyRecorded();
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
		const again = await lastExtension(session, check);
		if (again) return again;
	}
	refuse(verdict);
	const { payload } = verdict;
	return db.transaction().execute(async (tx) => {
		const locked = await loadPhoneSession(tx, sessionId, true);
		if (isRecorded(locked.status)) throw alreadyRecorded();
		// Checked again under the lock: a concurrent extension has changed the stored challenge.
		if (canonicalJson(locked.challenge) !== canonicalJson(payload.challenge)) {
			throw new ServiceError(
				409,
				'challenge_mismatch',
				'挑战码已更新',
				'The challenge has changed meanwhile.'
			);
		}
		const done = locked.challenge_extensions;
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
			.set({
				challenge: JSON.stringify(challenge),
				challenge_extensions: payload.extension,
				extended_from: locked.challenge.expiresAt
			})
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

/** The answer to the last extension again, when `session`'s phone resent it (its answer was lost). */
async function lastExtension(
	session: PhoneSession,
	check: (challenge: Challenge) => Promise<RequestVerdict<ExtendPayload>>
): Promise<ExtendAnswer | null> {
	const extension = session.challenge_extensions;
	if (extension === 0 || !session.extended_from) return null;
	const current = session.challenge;
	const resent = await check({ ...current, expiresAt: session.extended_from });
	if (!resent.ok || resent.payload.extension !== extension) return null;
	return { challenge: current, extensionsLeft: config.challengeExtensions - extension };
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
	const sp = serverPolicy(session.province);
	if (!sp.policy.limits.attempts?.then.includes('manual_review')) {
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
		if (isRecorded(locked.status)) {
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
		const ending = {
			sessionId,
			candidate: sessionCandidate(locked),
			sp,
			bundle: input,
			bundleSha,
			reviewReasons
		};
		await endSession(tx, { ...ending, result: 'review' }, now, {
			actor: 'phone',
			action: 'review.requested',
			sessionId,
			candidateId: locked.candidate_id,
			detail: { failedAttempts: Number(failed.n) }
		});
		return { outcome: 'review' as const };
	});
}
