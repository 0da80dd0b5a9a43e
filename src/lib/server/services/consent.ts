// The candidate's consent, signed by the phone that opened the link: the audit log records which versions of the
// user agreement, privacy policy and face-information notice they accepted. Versions that are no longer in force
// are refused, so the phone asks the candidate again; a resent message gets the same answer.
import { SignedConsentSchema, verifyPhoneRequest, type ConsentPayload } from '../../core/bundle/request.ts';
import {
	currentVersions,
	DOCUMENT_IDS,
	versionsCurrent,
	type DocumentVersions
} from '../../core/documents/index.ts';
import { audit } from '../audit.ts';
import type { Db } from '../db/index.ts';
import { countingDashboard } from './dashboard-counts.ts';
import { ServiceError } from './errors.ts';
import { alreadyRecorded, loadPhoneSession } from './phone-session.ts';
import { isRecorded } from '../../core/outcome.ts';

export const CONSENT_ACTION = 'consent.accepted';

export interface ConsentAnswer {
	/** The versions as the audit row stores them. */
	versions: DocumentVersions;
	faceProcessing: true;
}

export async function recordConsent(
	db: Db,
	sessionId: string,
	input: unknown,
	now = new Date()
): Promise<ConsentAnswer> {
	const session = await loadPhoneSession(db, sessionId, false);
	if (isRecorded(session.status)) throw alreadyRecorded();
	const verdict = await verifyPhoneRequest<ConsentPayload>(input, SignedConsentSchema, {
		sessionId,
		publicKey: session.device_public_key,
		challenge: session.challenge,
		now
	});
	if (!verdict.ok) {
		const status = verdict.code === 'challenge_expired' ? 410 : 400;
		throw new ServiceError(status, verdict.code, verdict.zh, verdict.en);
	}
	const { versions } = verdict.payload;
	if (!versionsCurrent(versions)) {
		throw new ServiceError(
			409,
			'documents_changed',
			'用户协议、隐私政策或人脸信息处理告知书已更新，请重新阅读并同意',
			`The terms, privacy policy or face information notice have changed (now ${JSON.stringify(currentVersions())}): please read and accept them again.`
		);
	}
	return db.transaction().execute(async (tx) => {
		// The session's lock orders two consents of one session (the dashboard counts its first).
		await loadPhoneSession(tx, sessionId, true);
		const stored = await lastConsent(tx, sessionId);
		if (!stored || DOCUMENT_IDS.some((id) => stored.versions[id] !== versions[id])) {
			const entry = {
				actor: 'phone',
				action: CONSENT_ACTION,
				sessionId,
				candidateId: session.candidate_id,
				detail: { versions, faceProcessing: true }
			};
			await countingDashboard(tx, [sessionId], () => audit(tx, entry));
		}
		return (await lastConsent(tx, sessionId))!;
	});
}

/** The session's latest consent as recorded in the audit log, or null. */
export async function lastConsent(db: Db, sessionId: string): Promise<ConsentAnswer | null> {
	const row = await db
		.selectFrom('audit_log')
		.select('detail')
		.where('session_id', '=', sessionId)
		.where('action', '=', CONSENT_ACTION)
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
	if (!row) return null;
	const detail = (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail) as ConsentAnswer;
	return { versions: detail.versions, faceProcessing: true };
}
