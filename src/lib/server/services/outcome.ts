// What a confirmed outcome grants: the admission number (drawn by recordOutcome, kept for returning candidates) and,
// where the province sends one, a one-time password, which the password job (password-jobs.ts) draws, hashes and
// sends by SMS after the recording transaction commits.
import type { OutcomeResult, ReviewStatus } from '../../core/outcome.ts';
import type { ServerPolicy } from '../policy.ts';
import { ServiceError } from './errors.ts';

export const alreadyConfirmed = () =>
	new ServiceError(
		409,
		'already_confirmed',
		'该考生的身份确认已经通过，不能再次确认',
		'This candidate is already confirmed; the confirmation cannot be repeated.'
	);

export interface Grant {
	admissionNumber: string;
	/** The phone on record that the password job sends the admission number and password to; null without one. */
	sms: { phone: string } | null;
}

/** What the registration system reads about an outcome. */
export interface OutcomeEventFields {
	outcomeId: number;
	sessionId: string;
	idNumber: string;
	province: string;
	result: OutcomeResult;
	reviewStatus: ReviewStatus;
	admissionNumber: string | null;
	at: string;
}

/** The grant of a confirmed outcome, once recordOutcome has its admission number. */
export function grantOf(sp: ServerPolicy, candidate: { phone: string }, admissionNumber: string): Grant {
	return { admissionNumber, sms: sendsPassword(sp) ? { phone: candidate.phone } : null };
}

/** The province sends a confirmed candidate a one-time password (drawn, hashed and sent by the password job). */
export const sendsPassword = (sp: ServerPolicy): boolean => Boolean(sp.policy.successSms?.passwordDigits);
