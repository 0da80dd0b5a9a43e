// Manual review: outcomes held for a person (duplicate face, attempts used up) with photo, signature, scores and
// reasons; a reviewer approves or rejects with a comment. Every look and every decision is audited.
import { maskPhone } from '../../core/mask.ts';
import { isRecorded, type OutcomeResult } from '../../core/outcome.ts';
import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { audit } from '../audit.ts';
import { serverPolicy } from '../policy.ts';
import { ServiceError } from './errors.ts';
import { wakePasswordJobs } from './password-jobs.ts';
import { alreadyRecorded } from './phone-session.ts';
import { lockCandidate, recordOutcome } from './record-outcome.ts';
import type { StaffUser } from './staff.ts';
import { readCompatReport } from '../../core/compat/report.ts';

export async function reviewQueue(db: Db, limit = 100) {
	return db
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
		.orderBy('outcomes.id')
		.limit(limit)
		.execute();
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
	const attachments = await db
		.selectFrom('attachments')
		.select(['kind', 'bytes', 'deleted_at'])
		.where('outcome_id', '=', outcomeId)
		.execute();
	const dataUrl = (kind: 'photo' | 'signature', mime: string) => {
		const a = attachments.find((x) => x.kind === kind);
		return a?.bytes ? `data:${mime};base64,${Buffer.from(a.bytes).toString('base64')}` : null;
	};
	const bundle = row.bundle as { payload?: { steps?: StepSummary[] } };
	await audit(db, {
		actor: `staff:${staff.id}`,
		action: 'review.view',
		sessionId: row.session_id,
		candidateId: row.candidate_id
	});
	return {
		...row,
		bundle: undefined,
		steps: (bundle.payload?.steps ?? []).map((s) => ({
			kind: s.kind,
			passed: s.passed,
			scores: s.scores ?? {},
			reasons: s.reasons ?? []
		})),
		photo: dataUrl('photo', 'image/jpeg'),
		signature: dataUrl('signature', 'image/png'),
		compat: readCompatReport(row.bundle)
	};
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
	const sp = serverPolicy(head.province);
	const result: OutcomeResult = decision === 'approve' ? 'confirmed' : 'rejected';
	const done = await db.transaction().execute(async (tx) => {
		const outcome = await tx
			.selectFrom('outcomes')
			.select(['id', 'session_id', 'candidate_id', 'review_status'])
			.where('id', '=', outcomeId)
			.forUpdate()
			.executeTakeFirstOrThrow();
		if (outcome.review_status !== 'pending') {
			throw new ServiceError(409, 'already_decided', '该案例已处理', 'This case was already decided.');
		}
		return recordOutcome(tx, {
			sessionId: outcome.session_id,
			candidate: await lockCandidate(tx, outcome.candidate_id),
			record: { kind: 'decision', outcomeId, reviewedBy: staff.id, comment },
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
	if (!session)
		throw new ServiceError(404, 'unknown_session', '未找到确认会话', 'No such confirmation session.');
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
		// A session's outcome is recorded once (its status says so; the outcomes table allows one per session).
		if (isRecorded(locked.status)) throw alreadyRecorded();
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
