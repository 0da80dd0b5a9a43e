// The statuses of a confirmation, defined once: the server stores them, the phone and the PC show them. A session
// is live until an outcome is recorded (its status then is the outcome's result) or a newer session ends it.
import type { Text } from './text.ts';

/** A recorded outcome's result: confirmed, failed (an attempt), held for review, or rejected by a person. */
export const OUTCOME_RESULTS = ['confirmed', 'failed', 'review', 'rejected'] as const;
export type OutcomeResult = (typeof OUTCOME_RESULTS)[number];

/** Where an outcome stands in the review queue: never held, waiting, or decided by a reviewer. */
export const REVIEW_STATUSES = ['none', 'pending', 'approved', 'rejected'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** A session's status while nothing is recorded: its link not yet opened, or opened on a phone. */
export const LIVE_SESSION_STATUSES = ['pending', 'phone_opened'] as const;
export type LiveSessionStatus = (typeof LIVE_SESSION_STATUSES)[number];

/** The status of a session ended because the candidate started a newer one. */
export const SUPERSEDED = 'superseded';

export type SessionStatus = LiveSessionStatus | OutcomeResult | typeof SUPERSEDED;

/**
 * What the candidate's PC is shown while a confirmation waits for the server's last check (the province-wide
 * duplicate sweep): not final, the PC keeps asking.
 */
export const FINAL_CHECK = 'checking';

/** A session's status as the candidate is shown it. */
export type ShownSessionStatus = SessionStatus | typeof FINAL_CHECK;

/** A recorded outcome as the candidate is shown it. */
export type ShownOutcome = OutcomeResult | typeof FINAL_CHECK;

/**
 * What the candidate is shown for a recorded outcome: a confirmation is shown as such only once nothing the server
 * still does can take it back. While its face awaits the sweep it is being checked; once a duplicate put it in
 * review it is in review, and a reviewer's decision on it is what it is.
 */
export function shownOutcome(
	result: OutcomeResult,
	outcome: { reviewStatus: ReviewStatus; awaitingSweep: boolean }
): ShownOutcome {
	if (result !== 'confirmed') return result;
	if (outcome.reviewStatus === 'pending') return 'review';
	if (outcome.reviewStatus === 'rejected') return 'rejected';
	return outcome.awaitingSweep ? FINAL_CHECK : result;
}

/** What the candidate is shown for a session: its outcome as shownOutcome shows it, else its own status. */
export function shownSessionStatus(
	status: SessionStatus,
	outcome: { reviewStatus: ReviewStatus; awaitingSweep: boolean } | null
): ShownSessionStatus {
	return outcome && isRecorded(status) ? shownOutcome(status, outcome) : status;
}

/** What the candidate is told, on the phone and the PC, when a reviewer decided not to confirm them. */
export const REJECTED_BY_REVIEW: Text = {
	zh: '经工作人员审核，身份确认未予通过。如有疑问，请联系考办，或持身份证到考点现场确认。',
	en: 'After review, staff did not confirm your identity. If you have questions, contact the exam office, or confirm on site at an exam centre with your ID card.'
};

/** The session has its outcome: nothing more may be counted or recorded for it. */
export function isRecorded(status: string): status is OutcomeResult {
	return (OUTCOME_RESULTS as readonly string[]).includes(status);
}

/** Nothing more happens on the session: an outcome is recorded, or a newer session ended it. */
export function isFinal(status: string): status is OutcomeResult | typeof SUPERSEDED {
	return isRecorded(status) || status === SUPERSEDED;
}
