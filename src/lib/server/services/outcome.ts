// Granting a confirmed outcome: the admission number (kept for returning candidates) and the one-time password
// hash, written inside the caller's transaction; the SMS is sent only after that transaction commits.
import type { Db } from '../db/index.ts';
import { hashPassword, randomDigits } from '../passwords.ts';
import type { ServerPolicy } from '../policy.ts';
import { successMessage, type SmsSender } from '../sms/index.ts';
import { allocateAdmissionNumber } from './admission.ts';
import { ServiceError } from './errors.ts';

export const alreadyConfirmed = () =>
	new ServiceError(
		409,
		'already_confirmed',
		'该考生的身份确认已经通过，不能再次确认',
		'This candidate is already confirmed; the confirmation cannot be repeated.'
	);

/**
 * Locks the candidate's row (the lock every recording path takes) and refuses when the candidate already has a
 * confirmed outcome: a review approval or a kiosk attestation never confirms anyone a second time.
 */
export async function refuseIfConfirmed(tx: Db, candidateId: number): Promise<void> {
	const row = await tx
		.selectFrom('candidates')
		.select((eb) =>
			eb
				.exists(
					eb
						.selectFrom('outcomes')
						.select('outcomes.id')
						.whereRef('outcomes.candidate_id', '=', 'candidates.id')
						.where('outcomes.result', '=', 'confirmed')
				)
				.as('confirmed')
		)
		.where('candidates.id', '=', candidateId)
		.forUpdate()
		.executeTakeFirstOrThrow();
	if (row.confirmed) throw alreadyConfirmed();
}

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

/** The candidate's fields a grant reads; pass them when the caller has just read them under its row lock. */
export interface GrantCandidate {
	admission_number: string | null;
	phone: string;
	name: string;
	province: string;
}

export async function grantAdmission(
	tx: Db,
	candidateId: number,
	sp: ServerPolicy,
	password: PreparedPassword | null,
	now: Date,
	locked?: GrantCandidate
): Promise<Grant> {
	const candidate =
		locked ??
		(await tx
			.selectFrom('candidates')
			.select(['admission_number', 'phone', 'name', 'province'])
			.where('id', '=', candidateId)
			.executeTakeFirstOrThrow());
	const admissionNumber = await drawAdmissionNumber(tx, sp, candidate, now);
	await tx
		.updateTable('candidates')
		.set({
			admission_number: admissionNumber,
			updated_at: now,
			...(password ? { password_hash: password.hash } : {})
		})
		.where('id', '=', candidateId)
		.execute();
	return grantOf(sp, candidate, admissionNumber, password);
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

/** The event the registration system reads by polling and receives by webhook (no images, no scores). */
export async function recordOutcomeEvent(tx: Db, outcomeId: number, now: Date): Promise<void> {
	const row = await tx
		.selectFrom('outcomes')
		.innerJoin('candidates', 'candidates.id', 'outcomes.candidate_id')
		.select([
			'outcomes.id',
			'outcomes.session_id',
			'outcomes.result',
			'outcomes.review_status',
			'candidates.id_number',
			'candidates.admission_number',
			'candidates.province'
		])
		.where('outcomes.id', '=', outcomeId)
		.executeTakeFirstOrThrow();
	await insertOutcomeEvent(tx, row, now);
}

/** What the registration system reads about an outcome. */
export interface OutcomeEventFields {
	outcomeId: number;
	sessionId: string;
	idNumber: string;
	province: string;
	result: string;
	reviewStatus: string;
	admissionNumber: string | null;
	at: string;
}

/** The event's fields from the outcome's values; an admission number only for a confirmed outcome. */
export function outcomeEventFields(
	row: {
		session_id: string;
		result: string;
		review_status: string;
		id_number: string;
		admission_number: string | null;
		province: string;
	},
	now: Date
): Omit<OutcomeEventFields, 'outcomeId'> {
	return {
		sessionId: row.session_id,
		idNumber: row.id_number,
		province: row.province,
		result: row.result,
		reviewStatus: row.review_status,
		admissionNumber: row.result === 'confirmed' ? row.admission_number : null,
		at: now.toISOString()
	};
}

/** The same event from values the caller already holds (the submission has just written them). */
export async function insertOutcomeEvent(
	tx: Db,
	row: Parameters<typeof outcomeEventFields>[0] & { id: number },
	now: Date
): Promise<void> {
	const payload: OutcomeEventFields = { outcomeId: row.id, ...outcomeEventFields(row, now) };
	await tx
		.insertInto('outcome_events')
		.values({ outcome_id: row.id, payload: JSON.stringify(payload) })
		.execute();
}

/**
 * The admission number a confirmed outcome gets: the candidate's own (returning candidates keep theirs) or the
 * next of the province's counter. The caller writes it to the candidate's row (submit: in its one recording
 * statement); grantAdmission below does both for the review paths.
 */
export async function drawAdmissionNumber(
	tx: Db,
	sp: ServerPolicy,
	candidate: GrantCandidate,
	now: Date
): Promise<string> {
	return (
		candidate.admission_number ??
		(await allocateAdmissionNumber(tx, candidate.province, sp.provinceCode, now))
	);
}

/** The grant of a confirmed outcome whose number is drawn and whose candidate row the caller writes. */
export function grantOf(
	sp: ServerPolicy,
	candidate: GrantCandidate,
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
