// What a confirmed outcome grants: the admission number (drawn by recordOutcome, kept for returning candidates) and a
// one-time password, hashed before the recording transaction; the SMS is sent only after that transaction commits.
import type { OutcomeResult, ReviewStatus } from '../../core/outcome.ts';
import { hashPassword, randomDigits } from '../passwords.ts';
import type { ServerPolicy } from '../policy.ts';
import { successMessage, type SmsSender } from '../sms/index.ts';
import { ServiceError } from './errors.ts';

export const alreadyConfirmed = () =>
	new ServiceError(
		409,
		'already_confirmed',
		'该考生的身份确认已经通过，不能再次确认',
		'This candidate is already confirmed; the confirmation cannot be repeated.'
	);

export interface PreparedPassword {
	password: string;
	hash: string;
}

/** Draws and hashes the password before any transaction, so the slow hash never holds a database lock. */
export async function preparePassword(sp: ServerPolicy): Promise<PreparedPassword | null> {
	const digits = sp.policy.successSms?.passwordDigits;
	if (!digits) return null;
	const password = randomDigits(digits);
	return { password, hash: await hashPassword(password) };
}

export interface Grant {
	admissionNumber: string;
	password: string | null;
	sms: { phone: string; name: string } | null;
}

/** After commit: the SMS failing must not undo a recorded outcome, so it is logged, not thrown. */
export async function sendGrantSms(sender: SmsSender, grant: Grant): Promise<boolean> {
	if (!grant.sms || !grant.password) return false;
	try {
		await sender.send(successMessage(grant.sms.phone, grant.sms.name, grant.admissionNumber, grant.password));
		return true;
	} catch (error) {
		console.error('SMS not sent:', error instanceof Error ? error.message : error);
		return false;
	}
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
export function grantOf(
	sp: ServerPolicy,
	candidate: { phone: string; name: string },
	admissionNumber: string,
	password: PreparedPassword | null
): Grant {
	const wantsSms = sp.policy.successSms !== null && password !== null;
	return {
		admissionNumber,
		password: password?.password ?? null,
		sms: wantsSms ? { phone: candidate.phone, name: candidate.name } : null
	};
}
