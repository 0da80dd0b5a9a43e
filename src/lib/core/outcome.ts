// The statuses of a confirmation, defined once: the server stores them, the phone and the PC show them. A session
// is live until an outcome is recorded (its status then is the outcome's result) or a newer session ends it.

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

/** The session has its outcome: nothing more may be counted or recorded for it. */
export function isRecorded(status: string): status is OutcomeResult {
	return (OUTCOME_RESULTS as readonly string[]).includes(status);
}

/** Nothing more happens on the session: an outcome is recorded, or a newer session ended it. */
export function isFinal(status: string): status is OutcomeResult | typeof SUPERSEDED {
	return isRecorded(status) || status === SUPERSEDED;
}
