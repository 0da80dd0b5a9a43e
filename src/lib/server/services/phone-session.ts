// The session a signed phone message names, with its candidate: read once without a lock to verify the message
// (key, challenge and ID number never change after the link is opened), then again `for update` inside the
// transaction that records it. Shared by the final submission and the attempt/extension requests.
import { sql } from 'kysely';
import type { Challenge } from '../../core/bundle/schema.ts';
import type { Db } from '../db/index.ts';
import { ServiceError } from './errors.ts';
import { isUuid } from './sessions.ts';

/** Session statuses that mean an outcome is recorded: nothing more may be counted or recorded for it. */
export const RECORDED = new Set(['confirmed', 'failed', 'review', 'rejected']);

export const unknownSession = () =>
	new ServiceError(404, 'unknown_session', '未找到确认会话', 'No such confirmation session.');

export interface PhoneSession {
	id: string;
	status: string;
	province: string;
	device_public_key: JsonWebKey;
	challenge: Challenge;
	candidate_id: number;
	id_number: string;
	exam_area: string;
	online_blocked: string | null;
	/** The candidate's own fields the recording transaction needs (admission number, SMS, outcome event). */
	candidate_province: string;
	admission_number: string | null;
	phone: string;
	name: string;
}

/**
 * The session and its candidate, or 404 `unknown_session` (also for a session whose link was never opened: no
 * device key, no challenge). With `lock`, `for update` locks the session's row and the candidate's row in one
 * statement: the candidate's row is what serialises attempt limits across sessions and server instances.
 */
export async function loadPhoneSession(db: Db, sessionId: string, lock: boolean): Promise<PhoneSession> {
	return (await readPhoneSession(db, sessionId, lock, null)).session;
}

/**
 * The unlocked read with the candidate's photo uploads since `since` counted in the same statement (the
 * submission's early refusal, before any decoding; the recording transaction counts again under its lock, in a
 * statement of its own, because a count read in the locking statement comes from before the lock was granted).
 */
export async function loadPhoneSessionWithUploads(
	db: Db,
	sessionId: string,
	since: Date
): Promise<{ session: PhoneSession; photoUploads: number }> {
	const { session, photoUploads } = await readPhoneSession(db, sessionId, false, since);
	return { session, photoUploads: photoUploads ?? 0 };
}

async function readPhoneSession(
	db: Db,
	sessionId: string,
	lock: boolean,
	uploadsSince: Date | null
): Promise<{ session: PhoneSession; photoUploads: number | null }> {
	if (!isUuid(sessionId)) throw unknownSession();
	let query = db
		.selectFrom('verification_sessions')
		.innerJoin('candidates', 'candidates.id', 'verification_sessions.candidate_id')
		.select([
			'verification_sessions.id',
			'verification_sessions.status',
			'verification_sessions.province',
			'verification_sessions.device_public_key',
			'verification_sessions.challenge',
			'verification_sessions.candidate_id',
			'candidates.id_number',
			'candidates.exam_area',
			'candidates.online_blocked',
			'candidates.province as candidate_province',
			'candidates.admission_number',
			'candidates.phone',
			'candidates.name',
			(eb) =>
				(uploadsSince
					? eb
							.selectFrom('audit_log')
							.select((c) => c.fn.countAll<string>().as('n'))
							.whereRef('audit_log.candidate_id', '=', 'candidates.id')
							.where('audit_log.action', '=', 'photo.upload')
							.where('audit_log.at', '>=', uploadsSince)
					: sql<string | null>`null`
				).as('photo_uploads')
		])
		.where('verification_sessions.id', '=', sessionId);
	if (lock) query = query.forUpdate();
	const row = await query.executeTakeFirst();
	if (!row || !row.device_public_key || !row.challenge) throw unknownSession();
	const { photo_uploads, ...session } = row;
	return {
		session: {
			...session,
			device_public_key: row.device_public_key as JsonWebKey,
			challenge: row.challenge as Challenge
		},
		photoUploads: photo_uploads === null ? null : Number(photo_uploads)
	};
}
