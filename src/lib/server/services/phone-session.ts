// The session a signed phone message names, with its candidate: read once without a lock to verify the message
// (key, challenge and ID number never change after the link is opened), then again `for update` inside the
// transaction that records it. Shared by the final submission and the attempt/extension requests.
import { sql, type ExpressionBuilder } from 'kysely';
import type { Challenge } from '../../core/bundle/schema.ts';
import { SUPERSEDED, type SessionStatus } from '../../core/outcome.ts';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { ServiceError } from './errors.ts';
import { searchTurn } from './duplicates.ts';
import { countHit, type RateHit } from './rate-limit.ts';
import type { LockedCandidate } from './record-outcome.ts';
import { isUuid, sessionEnded, unknownSession } from './sessions.ts';

/** The session's outcome is recorded already: nothing more is recorded or counted for it. */
export const alreadyRecorded = () =>
	new ServiceError(
		409,
		'already_recorded',
		'本次确认已完成，不能重复提交',
		'This confirmation is already recorded.'
	);

export interface PhoneSession {
	id: string;
	status: SessionStatus;
	province: string;
	device_public_key: JsonWebKey;
	challenge: Challenge;
	/** Challenge extensions granted so far, and the expiry the last one extended from. */
	challenge_extensions: number;
	extended_from: string | null;
	candidate_id: number;
	id_number: string;
	exam_area: string;
	online_blocked: string | null;
	/** The candidate's own fields the recording transaction needs (admission number, SMS, outcome event). */
	candidate_province: string;
	admission_number: string | null;
	phone: string;
	name: string;
	/** The candidate already has a confirmed outcome (any session): nothing may confirm them again. */
	candidate_confirmed: boolean;
}

/**
 * The session and its candidate, or 404 `unknown_session` (also for a session whose link was never opened: no
 * device key, no challenge). With `lock`, `for update` locks the session's row and the candidate's row in one
 * statement: the candidate's row is what serialises attempt limits across sessions and server instances.
 */
export async function loadPhoneSession(db: Db, sessionId: string, lock: boolean): Promise<PhoneSession> {
	if (!isUuid(sessionId)) throw unknownSession();
	let query = db
		.selectFrom('verification_sessions')
		.innerJoin('candidates', 'candidates.id', 'verification_sessions.candidate_id')
		.select(SESSION_COLUMNS)
		.select(confirmedColumn)
		.where('verification_sessions.id', '=', sessionId);
	if (lock) query = query.forUpdate();
	return phoneSession(await query.executeTakeFirst());
}

/**
 * loadPhoneSession with its lock, and with the submission's embedding also, in the same statement once the rows
 * are locked, the province's turn at the duplicate search and its settings (searchTurn): `indexed` answers
 * whether the database has the vector column (null without an embedding). The lock is taken in a materialized
 * WITH clause and the turn in the outer select list, so the rows are locked before the province, as when these
 * were statements of their own.
 */
export async function lockSessionForSearch(
	tx: Db,
	sessionId: string,
	embedding: readonly number[] | null
): Promise<{ session: PhoneSession; indexed: boolean | null }> {
	if (!isUuid(sessionId)) throw unknownSession();
	const row = await tx
		.with(
			(cte) => cte('locked').materialized(),
			(qc) =>
				qc
					.selectFrom('verification_sessions')
					.innerJoin('candidates', 'candidates.id', 'verification_sessions.candidate_id')
					.select(SESSION_COLUMNS)
					.select(confirmedColumn)
					.where('verification_sessions.id', '=', sessionId)
					.forUpdate()
		)
		.selectFrom('locked')
		.select(LOCKED_COLUMNS)
		.$if(embedding !== null, (qb) => qb.select((eb) => searchTurn(eb.ref('locked.province'), embedding!)))
		.executeTakeFirst();
	if (!row) throw unknownSession();
	const { indexed, ...rest } = row as typeof row & { indexed?: boolean };
	return { session: phoneSession(rest), indexed: embedding ? indexed === true : null };
}

/**
 * The submission's first read, unlocked: with the candidate's photo uploads on `uploadsDay` (YYYY-MM-DD, China
 * time) and the rate limit's hit (`hit`) counted, in the same statement, for the early refusals before any decoding.
 * (The recording statement counts the upload again under the candidate's lock.) For a session that does not exist
 * the hit is counted and the answer is 404.
 */
export async function loadSessionForSubmission(
	db: Db,
	sessionId: string,
	uploadsDay: string | null,
	hit: RateHit | null
): Promise<{ session: PhoneSession; photoUploads: number; rateHits: number | null }> {
	if (!isUuid(sessionId)) throw unknownSession();
	const row = await db
		.with('rl', (qc) => countHit(qc, hit))
		.selectFrom('verification_sessions')
		.innerJoin('candidates', 'candidates.id', 'verification_sessions.candidate_id')
		.select(SESSION_COLUMNS)
		.select(confirmedColumn)
		.select((eb) => [
			(uploadsDay
				? eb
						.selectFrom('photo_uploads')
						.select('photo_uploads.uploads')
						.whereRef('photo_uploads.candidate_id', '=', 'candidates.id')
						.where('photo_uploads.day', '=', sql<string>`${uploadsDay}::date`)
				: sql<number | null>`null`
			).as('photo_uploads'),
			eb.selectFrom('rl').select('rl.hits').as('rate_hits')
		])
		.where('verification_sessions.id', '=', sessionId)
		.executeTakeFirst();
	if (!row) throw unknownSession();
	const { photo_uploads, rate_hits, ...rest } = row;
	return {
		session: phoneSession(rest),
		photoUploads: Number(photo_uploads ?? 0),
		rateHits: rate_hits ?? null
	};
}

const SESSION_COLUMNS = [
	'verification_sessions.id',
	'verification_sessions.status',
	'verification_sessions.province',
	'verification_sessions.device_public_key',
	'verification_sessions.challenge',
	'verification_sessions.challenge_extensions',
	'verification_sessions.extended_from',
	'verification_sessions.candidate_id',
	'candidates.id_number',
	'candidates.exam_area',
	'candidates.online_blocked',
	'candidates.province as candidate_province',
	'candidates.admission_number',
	'candidates.phone',
	'candidates.name'
] as const;

/** SESSION_COLUMNS and the confirmed column by the names they are read as. */
const LOCKED_COLUMNS = [
	'id',
	'status',
	'province',
	'device_public_key',
	'challenge',
	'challenge_extensions',
	'extended_from',
	'candidate_id',
	'id_number',
	'exam_area',
	'online_blocked',
	'candidate_province',
	'admission_number',
	'phone',
	'name',
	'candidate_confirmed'
] as const;

/**
 * Whether the session's candidate is confirmed: a column of the candidate's row, so a statement that waited for that
 * row's lock reads it as the confirmation that just committed left it (a subquery would not).
 */
const confirmedColumn = (eb: ExpressionBuilder<Database, 'candidates'>) =>
	eb('candidates.confirmed_at', 'is not', null).as('candidate_confirmed');

type SessionRow = Omit<PhoneSession, 'device_public_key' | 'challenge' | 'candidate_confirmed'> & {
	device_public_key: unknown;
	challenge: unknown;
	candidate_confirmed: unknown;
};

/** The session's candidate as recordOutcome takes it (the session was read with its lock). */
export function sessionCandidate(session: PhoneSession): LockedCandidate {
	return {
		id: session.candidate_id,
		idNumber: session.id_number,
		province: session.candidate_province,
		examArea: session.exam_area,
		admissionNumber: session.admission_number,
		phone: session.phone,
		name: session.name,
		confirmed: session.candidate_confirmed
	};
}

/** The row as a PhoneSession, or 404 for no row or a session whose link was never opened (no key, no challenge). */
function phoneSession(row: SessionRow | undefined): PhoneSession {
	if (!row || !row.device_public_key || !row.challenge) throw unknownSession();
	// Ended by a newer session of the same candidate: nothing more is counted or recorded for it.
	if (row.status === SUPERSEDED) throw sessionEnded();
	return {
		...row,
		device_public_key: row.device_public_key as JsonWebKey,
		challenge: row.challenge as Challenge,
		candidate_confirmed: row.candidate_confirmed === true
	};
}
