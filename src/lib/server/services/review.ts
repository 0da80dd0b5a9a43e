// Manual review: outcomes held for a person (duplicate face, attempts used up) with photo, signature, scores and
// reasons; a reviewer approves or rejects with a comment. Every look and every decision is audited.
import { maskIdNumber, maskPhone } from '../../core/mask.ts';
import { isRecorded, SUPERSEDED, type OutcomeResult, type ReviewStatus } from '../../core/outcome.ts';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';
import { serverPolicy } from '../policy.ts';
import { ServiceError } from './errors.ts';
import { wakePasswordJobs } from './password-jobs.ts';
import { isDuplicateFaceReason } from './duplicates.ts';
import { alreadyRecorded } from './phone-session.ts';
import { lockCandidate, recordOutcome } from './record-outcome.ts';
import type { ReferenceSource } from './reference-photos.ts';
import { RATE_RULES, rateLimit } from './rate-limit.ts';
import { sessionEnded, unknownSession } from './sessions.ts';
import { provinceOf, requireProvince, type StaffUser } from './staff.ts';
import { readCompatReport } from '../../core/compat/report.ts';
import { inProvince } from '../db/province-scope.ts';

/** A pending case as the queue lists it: the ID number masked (the case itself shows it in full, audited). */
export interface QueueCase {
	id: number;
	result: OutcomeResult;
	recordedAt: string;
	reviewReasons: unknown;
	name: string;
	/** Masked: the first six and last four digits. */
	idNumber: string;
	examArea: string;
	province: string;
}

/**
 * The pending cases of the account's province (every province for a national account), oldest first. The queue is
 * read without an audit row, so it carries no full ID number: that is shown only by reviewCase, whose every look is
 * audited under the candidate.
 */
export async function reviewQueue(db: Db, staff: StaffUser, limit = 100): Promise<QueueCase[]> {
	const province = provinceOf(staff);
	const rows = await db
		.selectFrom('outcomes')
		.innerJoin('candidates', 'candidates.id', 'outcomes.candidate_id')
		.select([
			'outcomes.id',
			'outcomes.result',
			'outcomes.recorded_at',
			'outcomes.review_reasons',
			'candidates.name',
			'candidates.id_number',
			'candidates.exam_area',
			'candidates.province'
		])
		.where('outcomes.review_status', '=', 'pending')
		.where((eb) => inProvince(eb, 'candidates.province', province))
		.orderBy('outcomes.id')
		.limit(limit)
		.execute();
	return rows.map((r) => ({
		id: r.id,
		result: r.result,
		recordedAt: new Date(r.recorded_at).toISOString(),
		reviewReasons: r.review_reasons,
		name: r.name,
		idNumber: maskIdNumber(r.id_number),
		examArea: r.exam_area,
		province: r.province
	}));
}

export interface StepSummary {
	kind: string;
	passed: boolean;
	scores: Record<string, number>;
	reasons: string[];
}

export async function reviewCase(db: Db, staff: StaffUser, outcomeId: number) {
	const row = await db
		.selectFrom('outcomes')
		.innerJoin('candidates', 'candidates.id', 'outcomes.candidate_id')
		.select([
			'outcomes.id',
			'outcomes.session_id',
			'outcomes.result',
			'outcomes.review_status',
			'outcomes.review_reasons',
			'outcomes.review_comment',
			'outcomes.bundle',
			'outcomes.recorded_at',
			'candidates.id as candidate_id',
			'candidates.name',
			'candidates.id_number',
			'candidates.exam_area',
			'candidates.province',
			'candidates.admission_number'
		])
		.where('outcomes.id', '=', outcomeId)
		.executeTakeFirst();
	if (!row) throw new ServiceError(404, 'unknown_case', '未找到审核案例', 'No such review case.');
	requireProvince(staff, row.province);
	const attachment = await attachmentsOf(db, outcomeId);
	const bundle = row.bundle as { payload?: { steps?: StepSummary[] } };
	const counterparts = await counterpartsOf(db, row.province, row.review_reasons);
	await audit(db, {
		actor: `staff:${staff.id}`,
		action: 'review.view',
		sessionId: row.session_id,
		candidateId: row.candidate_id
	});
	// The other candidates' records and photos are personal data too: each look is audited under their name.
	for (const other of counterparts)
		await audit(db, {
			actor: `staff:${staff.id}`,
			action: 'review.view',
			sessionId: other.sessionId,
			candidateId: other.candidateId,
			detail: { duplicateOf: outcomeId }
		});
	return {
		...row,
		bundle: undefined,
		counterparts,
		steps: (bundle.payload?.steps ?? []).map((s) => ({
			kind: s.kind,
			passed: s.passed,
			scores: s.scores ?? {},
			reasons: s.reasons ?? []
		})),
		photo: attachment('photo', 'image/jpeg'),
		signature: attachment('signature', 'image/png'),
		// What the final photo is judged against: a reviewer compares the two side by side (a weak match, a
		// mismatch, a morph of the candidate and someone else).
		reference: await referencePhotoOf(db, row.candidate_id),
		compat: readCompatReport(row.bundle)
	};
}

/** The candidate's reference photo as a data URL with its source, or null (none, or deleted under retention). */
async function referencePhotoOf(
	db: Db,
	candidateId: number
): Promise<{ photo: string; source: ReferenceSource } | null> {
	const ref = await db
		.selectFrom('reference_photos')
		.select(['jpeg', 'source'])
		.where('candidate_id', '=', candidateId)
		.where('deleted_at', 'is', null)
		.executeTakeFirst();
	return ref?.jpeg
		? {
				photo: `data:image/jpeg;base64,${Buffer.from(ref.jpeg).toString('base64')}`,
				source: ref.source as ReferenceSource
			}
		: null;
}

/** An outcome's photo or signature as a data URL, or null (none, or deleted after the retention period). */
async function attachmentsOf(db: Db, outcomeId: number) {
	const attachments = await db
		.selectFrom('attachments')
		.select(['kind', 'bytes'])
		.where('outcome_id', '=', outcomeId)
		.execute();
	return (kind: 'photo' | 'signature', mime: string) => {
		const a = attachments.find((x) => x.kind === kind);
		return a?.bytes ? `data:${mime};base64,${Buffer.from(a.bytes).toString('base64')}` : null;
	};
}

/** The photo the server holds of a candidate: the outcome's upload, else their reference photo (a data URL). */
async function heldPhoto(db: Db, outcomeId: number, candidateId: number) {
	const upload = (await attachmentsOf(db, outcomeId))('photo', 'image/jpeg');
	if (upload) return { photo: upload, photoSource: 'upload' as const };
	const ref = await referencePhotoOf(db, candidateId);
	return ref ? { photo: ref.photo, photoSource: 'reference' as const } : { photo: null, photoSource: null };
}

/** How an outcome came about: the phone's signed bundle or a kiosk operator's attestation on site. */
export type ConfirmedBy = 'phone' | 'on_site';

/** The other side of a duplicate face: the candidate's record, the matched outcome and its photo. */
export interface Counterpart {
	outcomeId: number;
	sessionId: string;
	candidateId: number;
	name: string;
	idNumberMasked: string;
	examArea: string;
	province: string;
	admissionNumber: string | null;
	result: OutcomeResult;
	reviewStatus: ReviewStatus;
	recordedAt: string;
	confirmedBy: ConfirmedBy;
	similarity: number;
	photo: string | null;
	photoSource: 'upload' | 'reference' | null;
}

/**
 * The outcomes a case's duplicate_face reasons name, for the reviewer to compare side by side. Only the case's own
 * province: the search never crosses it, so a reason naming another province's candidate is not shown (nor its
 * look audited). A reason of an older version names only the candidate: their latest outcome with a photo's
 * embedding is the one it matched.
 */
async function counterpartsOf(db: Db, province: string, reasons: unknown): Promise<Counterpart[]> {
	const duplicates = (Array.isArray(reasons) ? reasons : []).filter(isDuplicateFaceReason);
	const out: Counterpart[] = [];
	for (const reason of duplicates) {
		let query = db
			.selectFrom('outcomes')
			.innerJoin('candidates', 'candidates.id', 'outcomes.candidate_id')
			.select([
				'outcomes.id',
				'outcomes.session_id',
				'outcomes.result',
				'outcomes.review_status',
				'outcomes.recorded_at',
				sql<string | null>`outcomes.bundle->>'kind'`.as('bundle_kind'),
				'candidates.id as candidate_id',
				'candidates.name',
				'candidates.id_number',
				'candidates.exam_area',
				'candidates.province',
				'candidates.admission_number'
			])
			.where('outcomes.candidate_id', '=', reason.otherCandidateId)
			.where('candidates.province', '=', province);
		query = Number.isInteger(reason.otherOutcomeId)
			? query.where('outcomes.id', '=', reason.otherOutcomeId!)
			: query
					.where((eb) =>
						eb.exists(
							eb
								.selectFrom('face_embeddings')
								.select('face_embeddings.outcome_id')
								.whereRef('face_embeddings.outcome_id', '=', 'outcomes.id')
						)
					)
					.orderBy('outcomes.id', 'desc')
					.limit(1);
		const other = await query.executeTakeFirst();
		if (!other) continue;
		out.push({
			outcomeId: other.id,
			sessionId: other.session_id,
			candidateId: other.candidate_id,
			name: other.name,
			idNumberMasked: maskIdNumber(other.id_number),
			examArea: other.exam_area,
			province: other.province,
			admissionNumber: other.admission_number,
			result: other.result,
			reviewStatus: other.review_status,
			recordedAt: new Date(other.recorded_at).toISOString(),
			confirmedBy: other.bundle_kind === 'on_site_attestation' ? 'on_site' : 'phone',
			similarity: reason.similarity,
			...(await heldPhoto(db, other.id, other.candidate_id))
		});
	}
	return out;
}

export async function decideReview(
	db: Db,
	staff: StaffUser,
	outcomeId: number,
	decision: 'approve' | 'reject',
	comment: string,
	now = new Date()
) {
	const head = await db
		.selectFrom('outcomes')
		.innerJoin('candidates', 'candidates.id', 'outcomes.candidate_id')
		.select(['candidates.province'])
		.where('outcomes.id', '=', outcomeId)
		.executeTakeFirst();
	if (!head) throw new ServiceError(404, 'unknown_case', '未找到审核案例', 'No such review case.');
	requireProvince(staff, head.province);
	const sp = serverPolicy(head.province);
	const result: OutcomeResult = decision === 'approve' ? 'confirmed' : 'rejected';
	const done = await db.transaction().execute(async (tx) => {
		const outcome = await tx
			.selectFrom('outcomes')
			.select(['id', 'session_id', 'candidate_id', 'review_status', 'result'])
			.where('id', '=', outcomeId)
			.forUpdate()
			.executeTakeFirstOrThrow();
		if (outcome.review_status !== 'pending') {
			throw new ServiceError(409, 'already_decided', '该案例已处理', 'This case was already decided.');
		}
		return recordOutcome(tx, {
			sessionId: outcome.session_id,
			candidate: await lockCandidate(tx, outcome.candidate_id),
			record: { kind: 'decision', outcomeId, reviewedBy: staff.id, comment, was: outcome.result },
			result,
			reviewStatus: decision === 'approve' ? 'approved' : 'rejected',
			policy: sp,
			audit: [
				{
					actor: `staff:${staff.id}`,
					action: `review.${decision}`,
					sessionId: outcome.session_id,
					candidateId: outcome.candidate_id,
					detail: { outcomeId, comment }
				}
			],
			now
		});
	});
	if (done.grant?.sms) wakePasswordJobs();
	return { outcome: result, admissionNumber: done.admissionNumber };
}

/**
 * On-site attestation by a kiosk operator who checked the candidate and the ID card in person: records the
 * session's outcome without a phone bundle (the attestation itself is stored as the "bundle").
 */
export async function attestOnSite(
	db: Db,
	staff: StaffUser,
	sessionId: string,
	decision: 'confirmed' | 'rejected',
	comment: string,
	now = new Date()
) {
	const session = await db
		.selectFrom('verification_sessions')
		.select(['id', 'candidate_id', 'province', 'status'])
		.where('id', '=', sessionId)
		// An operator attests only in the sessions they started (an admin in any), as they see only those.
		.$if(staff.role !== 'admin', (q) => q.where('started_by', '=', staff.id))
		.executeTakeFirst();
	if (!session) throw unknownSession();
	requireProvince(staff, session.province);
	await rateLimit(db, `kiosk-attestations:${staff.id}`, RATE_RULES.kioskAttestations, now);
	const sp = serverPolicy(session.province);
	const attestation = {
		kind: 'on_site_attestation',
		sessionId,
		staffId: staff.id,
		decision,
		comment,
		at: now.toISOString()
	};
	const bundleJson = JSON.stringify(attestation);
	const done = await db.transaction().execute(async (tx) => {
		const locked = await tx
			.selectFrom('verification_sessions')
			.select('status')
			.where('id', '=', sessionId)
			.forUpdate()
			.executeTakeFirstOrThrow();
		// A session's outcome is recorded once (its status says so; the outcomes table allows one per session), and
		// a session a newer one ended takes none: the operator attests in the candidate's current session.
		if (isRecorded(locked.status)) throw alreadyRecorded();
		if (locked.status === SUPERSEDED) throw sessionEnded();
		return recordOutcome(tx, {
			sessionId,
			candidate: await lockCandidate(tx, session.candidate_id),
			record: {
				kind: 'new',
				bundleJson,
				bundleSha256: createHash('sha256').update(bundleJson).digest('hex'),
				reviewReasons: []
			},
			result: decision,
			reviewStatus: 'none',
			policy: sp,
			audit: [
				{
					actor: `staff:${staff.id}`,
					action: 'kiosk.attest',
					sessionId,
					candidateId: session.candidate_id,
					detail: { decision, comment }
				}
			],
			now
		});
	});
	if (done.grant?.sms) wakePasswordJobs();
	return {
		outcome: decision,
		admissionNumber: done.admissionNumber,
		// The password goes by SMS to the phone on record only; the kiosk learns where, masked.
		smsTo: done.grant?.sms ? maskPhone(done.grant.sms.phone) : undefined
	};
}
