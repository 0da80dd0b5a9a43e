// Verification sessions: the PC starts one, the phone opens its one-time link and registers its key.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { maskAddress, maskPhone } from '../../core/mask.ts';
import {
	LIVE_SESSION_STATUSES,
	isRecorded,
	SUPERSEDED,
	shownOutcome,
	shownSessionStatus,
	type OutcomeResult,
	type ReviewStatus,
	type SessionStatus
} from '../../core/outcome.ts';
import type { OpenedSession } from '../../core/bundle/answers.ts';
import type { Challenge } from '../../core/bundle/schema.ts';
import { reopenPayload } from '../../core/bundle/reopen.ts';
import { checkSignature, importPublicKey } from '../../core/bundle/sign.ts';
import { audit } from '../audit.ts';
import { config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { countingDashboard } from './dashboard-counts.ts';
import { attemptsExhausted, failuresSoFar } from './limits.ts';
import { ServiceError } from './errors.ts';
import { findPolicy } from '../../core/policy/index.ts';
import { serverPolicy } from '../policy.ts';
import { issueChallenge } from './challenges.ts';
import { SIGN_IN_RULES, rateLimit } from './rate-limit.ts';
import { hashSecret, newSecret } from './tokens.ts';
import { findCandidateByIdNumber } from './candidate-lookup.ts';
import { preRegistrationBlock } from './pre-registration.ts';
import { ADVISORY_LOCKS } from '../db/locks.ts';
import { awaitingSweep } from './sweep-state.ts';

export interface NewSession {
	sessionId: string;
	token: string;
	pcSecret: string;
	expiresAt: Date;
}

export interface StartOptions {
	/**
	 * Where the session starts, always after a sign-in: the PC QR page (SMS code) or the registration site's API
	 * (`pc`), a kiosk operator on site (`kiosk`), an SMS-code login on the phone (`sms`), or a link the office
	 * sent by SMS (`link`).
	 */
	origin?: 'pc' | 'kiosk' | 'sms' | 'link';
	/** The staff user who started it (kiosk). */
	startedBy?: number;
}

export async function startSession(
	db: Db,
	idNumber: string,
	now = new Date(),
	options: StartOptions = {}
): Promise<NewSession> {
	const candidate = await findCandidateByIdNumber(db, idNumber);
	// Once the attempts are used up, online confirmation ends; an on-site session (kiosk) is still possible.
	if (candidate.online_blocked && options.origin !== 'kiosk')
		throw attemptsExhausted(candidate.online_blocked);
	// A province that audits a pre-registration photo starts online sessions only once one is approved.
	if (options.origin !== 'kiosk') {
		const blocked = await preRegistrationBlock(db, candidate);
		if (blocked) throw blocked;
	}
	await rateLimit(db, `start:${candidate.id}`, SIGN_IN_RULES.starts, now);
	const token = newSecret();
	const pcSecret = newSecret();
	const sessionId = randomUUID();
	const expiresAt = new Date(now.getTime() + config.phoneLinkTtlMs);
	await db.transaction().execute(async (tx) => {
		// One live session per candidate: starting one ends the others and their links. The lock orders two starts
		// of one candidate; a submission that already holds its session's row finishes first (its row is skipped).
		await sql`select pg_advisory_xact_lock(${ADVISORY_LOCKS.candidateSession}::int, ${candidate.id}::int)`.execute(
			tx
		);
		const ended = await tx
			.updateTable('verification_sessions')
			.set({ status: SUPERSEDED, token_expires_at: now })
			.where('candidate_id', '=', candidate.id)
			.where('status', 'in', LIVE_SESSION_STATUSES)
			.returning('id')
			.execute();
		// The candidate's attempts on the dashboard (first session's day) move with a failed attempt recorded on
		// another of their sessions meanwhile: the candidate's row orders the two. Taken after the sessions' rows,
		// as a submission holding one of them takes the candidate's next.
		await tx.selectFrom('candidates').select('id').where('id', '=', candidate.id).forNoKeyUpdate().execute();
		await countingDashboard(
			tx,
			[sessionId],
			() =>
				tx
					.insertInto('verification_sessions')
					.values({
						id: sessionId,
						candidate_id: candidate.id,
						province: candidate.province,
						token_hash: hashSecret(token),
						token_expires_at: expiresAt,
						pc_secret_hash: hashSecret(pcSecret),
						origin: options.origin ?? 'pc',
						started_by: options.startedBy ?? null
					})
					.execute(),
			[candidate.id]
		);
		await audit(tx, {
			actor: options.origin === 'kiosk' ? `staff:${options.startedBy}` : (options.origin ?? 'pc'),
			action: 'session.start',
			sessionId,
			candidateId: candidate.id,
			detail: ended.length ? { ended: ended.map((e) => e.id) } : undefined
		});
	});
	return { sessionId, token, pcSecret, expiresAt };
}

const sessionRecorded = () =>
	new ServiceError(
		410,
		'session_recorded',
		'本次确认已有结果，此链接已不再需要',
		'This confirmation already has its outcome; the link is no longer needed.'
	);

export const sessionEnded = () =>
	new ServiceError(
		410,
		'session_ended',
		'本次确认已结束：已开始了新的确认，或报名档案中的手机号已变更。请使用最新的链接，或用档案中的手机号重新登录',
		'This confirmation has ended: a newer one was started, or the phone number on the record changed. Use the newest link, or sign in again with the number on the record.'
	);

/**
 * Ends a candidate's live sessions started online (a code or a link sent to the phone on record, the registration
 * site), as a newer session would: the phone number on the record changed, and what the former number was given
 * must not outlive it. A kiosk session (the operator identified the candidate) runs on. A session whose row a
 * submission holds is skipped, not waited for: it is being recorded, and waiting would take its row after the
 * candidate's, the reverse of the submission's order.
 */
export async function endOnlineSessions(db: Db, candidateId: number, now = new Date()): Promise<string[]> {
	const ended = await db
		.updateTable('verification_sessions')
		.set({ status: SUPERSEDED, token_expires_at: now })
		.where('id', 'in', (live) =>
			live
				.selectFrom('verification_sessions')
				.select('id')
				.where('candidate_id', '=', candidateId)
				.where('status', 'in', LIVE_SESSION_STATUSES)
				.where('origin', '!=', 'kiosk')
				.forUpdate()
				.skipLocked()
		)
		.returning('id')
		.execute();
	return ended.map((e) => e.id);
}

/**
 * The same phone opening its link again because it never got the first answer (a lost response, a reload while it
 * was on its way): it proves it holds the private half of the key bound at the first opening by signing the token.
 * The public key alone proves nothing; a link-holder with any other key is refused as before. Only while the session
 * has no outcome; the answer is the session as it stands (its current challenge), not a new one.
 */
async function sameDeviceReopens(
	session: { status: string; device_public_key: unknown },
	token: string,
	publicKey: JsonWebKey,
	proof: string | undefined
): Promise<boolean> {
	const bound = session.device_public_key as JsonWebKey | null;
	if (!proof || session.status !== 'phone_opened' || !bound) return false;
	if (bound.x !== publicKey.x || bound.y !== publicKey.y) return false;
	try {
		return await checkSignature(
			{ payload: reopenPayload(token), signature: proof },
			await importPublicKey(bound)
		);
	} catch {
		return false;
	}
}

/**
 * The phone opens the link: the token is spent, the device key bound, and a challenge issued. `proof` (the token
 * signed with that key, reopenPayload) lets the phone that opened it get the same answer again.
 */
export async function openPhoneLink(
	db: Db,
	token: string,
	publicKey: JsonWebKey,
	now = new Date(),
	proof?: string
): Promise<OpenedSession> {
	return db.transaction().execute(async (tx) => {
		const session = await tx
			.selectFrom('verification_sessions')
			.selectAll()
			.where('token_hash', '=', hashSecret(token))
			.forUpdate()
			.executeTakeFirst();
		if (!session) throw new ServiceError(404, 'unknown_link', '链接无效', 'This link is not valid.');
		if (session.status === SUPERSEDED) throw sessionEnded();
		// A kiosk operator records an outcome without the phone: the link shown on the kiosk opens nothing after it.
		if (isRecorded(session.status)) throw sessionRecorded();
		const reopened = session.token_used_at && (await sameDeviceReopens(session, token, publicKey, proof));
		if (session.token_used_at && !reopened) {
			throw new ServiceError(
				410,
				'link_used',
				'此链接已被使用，请在电脑上重新生成二维码',
				'This link was already used; make a new QR code on the PC.'
			);
		}
		if (new Date(session.token_expires_at).getTime() < now.getTime()) {
			throw new ServiceError(
				410,
				'link_expired',
				'链接已过期，请在电脑上重新生成二维码',
				'This link has expired; make a new QR code on the PC.'
			);
		}
		const challenge: Challenge = reopened
			? (session.challenge as Challenge)
			: issueChallenge(findPolicy(session.province), now);
		if (!reopened)
			await countingDashboard(tx, [session.id], () =>
				tx
					.updateTable('verification_sessions')
					.set({
						token_used_at: now,
						status: 'phone_opened',
						device_public_key: JSON.stringify(publicKey),
						challenge: JSON.stringify(challenge)
					})
					.where('id', '=', session.id)
					.where('status', 'in', LIVE_SESSION_STATUSES)
					.execute()
			);
		const c = await tx
			.selectFrom('candidates')
			.selectAll()
			.where('id', '=', session.candidate_id)
			.executeTakeFirstOrThrow();
		await audit(tx, {
			actor: 'phone',
			action: reopened ? 'session.phone_reopened' : 'session.phone_opened',
			sessionId: session.id
		});
		const limit = findPolicy(session.province)?.limits.attempts;
		return {
			attempts: { failures: await failuresSoFar(tx, c.id), max: limit?.max ?? null },
			sessionId: session.id,
			province: session.province,
			challenge,
			livenessEvidence: findPolicy(session.province)
				? serverPolicy(session.province).evidenceFrames
					? 'frames'
					: 'none'
				: 'none',
			livenessColour: findPolicy(session.province) ? serverPolicy(session.province).colour : 'off',
			record: {
				name: c.name,
				idNumber: c.id_number,
				sex: c.sex,
				ethnicity: c.ethnicity,
				birthDate: c.birth_date,
				address: maskAddress(c.address),
				phone: maskPhone(c.phone),
				major: c.major,
				examArea: c.exam_area
			}
		};
	});
}

/** 404 `unknown_session`: no such session, or none this caller may see (told alike, so nothing is learned). */
export const unknownSession = () =>
	new ServiceError(404, 'unknown_session', '未找到确认会话', 'No such confirmation session.');

export const isUuid = (value: string) =>
	/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export async function sessionStatus(db: Db, sessionId: string, pcSecret: string) {
	if (!isUuid(sessionId)) throw unknownSession();
	const row = await sessionWithOutcome(db, sessionId);
	if (!row || row.pc_secret_hash !== hashSecret(pcSecret)) throw unknownSession();
	return { status: shownStatusOf(row), completedAt: row.completed_at };
}

/** Sessions (as `s`) with what shownStatusOf reads of their outcome (`o`; a session records at most one). */
export function sessionsWithOutcome(db: Db) {
	return db
		.selectFrom('verification_sessions as s')
		.leftJoin('outcomes as o', 'o.session_id', 's.id')
		.select([
			's.status',
			's.pc_secret_hash',
			's.completed_at',
			'o.review_status',
			'o.admission_number',
			awaitingSweep(sql.ref('o.id')).as('awaiting_sweep')
		]);
}

/** The session's row with what shownStatusOf reads of its outcome. */
export const sessionWithOutcome = (db: Db, sessionId: string) =>
	sessionsWithOutcome(db).where('s.id', '=', sessionId).executeTakeFirst();

/**
 * What a session's candidate (or the kiosk operator who started it) is shown, from the session's status and its
 * outcome's, both as a query joining the outcome reads them (`awaiting_sweep`: awaitingSweep of the outcome).
 */
export function shownStatusOf(row: {
	status: SessionStatus;
	review_status: ReviewStatus | null;
	awaiting_sweep: boolean | null;
}) {
	const outcome = row.review_status
		? { reviewStatus: row.review_status, awaitingSweep: Boolean(row.awaiting_sweep) }
		: null;
	return shownSessionStatus(row.status, outcome);
}

/**
 * The admission number as the candidate (or the kiosk operator) is told it: only once the confirmation is shown as
 * such, so nothing the server still does can take it back.
 */
export function toldAdmissionNumber(
	row: Parameters<typeof shownStatusOf>[0] & { admission_number: string | null }
) {
	return shownStatusOf(row) === 'confirmed' ? row.admission_number : null;
}

/**
 * A recorded outcome as the submission's answer (and its replay) tells it: shown as the PC shows it (`checking`
 * while the face awaits the sweep), the admission number only once final.
 */
export function answeredOutcome(row: {
	status: OutcomeResult;
	review_status: ReviewStatus;
	awaiting_sweep: boolean;
	admission_number: string | null;
}) {
	const outcome = shownOutcome(row.status, {
		reviewStatus: row.review_status,
		awaitingSweep: row.awaiting_sweep
	});
	const admissionNumber = toldAdmissionNumber(row);
	return { outcome, ...(admissionNumber ? { admissionNumber } : {}) };
}
