// Attempt limits per province policy, counted in the database so they hold across server instances: the
// submission transaction locks the candidate's row, so two instances count one candidate's attempts in turn.
import type { Text } from '../../core/text.ts';
import { sql } from 'kysely';
import { chinaDay } from '../../core/china-time.ts';
import type { ExhaustedOutcome, ProvincePolicy } from '../../core/policy/index.ts';
import { audit } from '../audit.ts';
import type { Db } from '../db/index.ts';
import { ServiceError } from './errors.ts';
import { provinceOf, type StaffUser } from './staff.ts';
import { inProvince } from '../db/province-scope.ts';

const NEXT_TEXT: Record<ExhaustedOutcome, Text> = {
	manual_review: { zh: '申请人工审核', en: 'ask for a manual review' },
	on_site: { zh: '到考办现场确认', en: 'confirm on site at the exam office' },
	contact_office: { zh: '联系自考办说明情况', en: 'contact the self-study exam office' }
};

/** The review reason of an outcome held because it used the last online attempt. */
export const ATTEMPTS_EXHAUSTED = {
	code: 'attempts_exhausted',
	zh: '在线确认次数已用完',
	en: 'Online attempts are used up'
};

/** The ways on of a candidate blocked online, as stored on their row (unknown names are dropped). */
export const blockedOutcomes = (blocked: string): ExhaustedOutcome[] =>
	blocked.split(',').filter((k): k is ExhaustedOutcome => Object.hasOwn(NEXT_TEXT, k));

export function attemptsExhausted(blocked: string): ServiceError {
	const next = blockedOutcomes(blocked).map((k) => NEXT_TEXT[k]);
	return new ServiceError(
		403,
		'attempts_exhausted',
		`在线确认次数已用完，请${next.map((n) => n.zh).join('或')}`,
		`No online attempts are left; please ${next.map((n) => n.en).join(' or ')}.`
	);
}

/**
 * Counts a photo upload that records no outcome (the server's re-check refused it) and refuses it beyond the
 * policy's daily count; the caller's transaction rolls the count back with the refusal. The count's row is the
 * lock that serialises concurrent uploads of one candidate across server instances.
 */
export async function countPhotoUpload(tx: Db, policy: ProvincePolicy, candidateId: number, now: Date) {
	const row = await tx
		.insertInto('photo_uploads')
		.values({ candidate_id: candidateId, day: chinaDay(now.getTime()), uploads: 1 })
		.onConflict((oc) =>
			oc.columns(['candidate_id', 'day']).doUpdateSet({ uploads: sql`photo_uploads.uploads + 1` })
		)
		.returning('uploads')
		.executeTakeFirstOrThrow();
	checkPhotoCount(policy, row.uploads - 1);
}

/** The same refusal for a count of today's uploads the caller has read (e.g. with the session, in one query). */
export function checkPhotoCount(policy: ProvincePolicy, uploadsToday: number): void {
	const perDay = policy.limits.photoUploadsPerDay;
	if (perDay === null) return;
	if (uploadsToday >= perDay) {
		throw new ServiceError(
			429,
			'photo_limit',
			`今日照片上传已达 ${perDay} 次，请明天再试（北京时间零点重置）`,
			`The ${perDay} photo uploads of today are used; try again tomorrow (resets at midnight China time).`
		);
	}
}

export interface AttemptState {
	failures: number;
	max: number | null;
	/** Set when this failure used the last attempt. */
	exhausted: readonly ExhaustedOutcome[] | null;
}

/**
 * Counts the candidate's failures against the policy's attempt limit, blocking online attempts when this one used
 * the last: failed final submissions plus the failed attempts the phone reported during its sessions, and
 * `unrecorded` failures not yet written (a failed submission counts itself before recordOutcome writes it). An
 * outcome written because a reported attempt used the last try carries that attempt's bundle, so it is not
 * counted a second time.
 */
export async function countFailure(
	tx: Db,
	policy: ProvincePolicy,
	candidateId: number,
	unrecorded = 0
): Promise<AttemptState> {
	const limit = policy.limits.attempts;
	const failures = (await failuresSoFar(tx, candidateId)) + unrecorded;
	if (!limit) return { failures, max: null, exhausted: null };
	if (failures < limit.max) return { failures, max: limit.max, exhausted: null };
	await tx
		.updateTable('candidates')
		.set({ online_blocked: limit.then.join(',') })
		.where('id', '=', candidateId)
		.execute();
	return { failures, max: limit.max, exhausted: limit.then };
}

/**
 * Counted failures so far (read only): what a new session starts from, so a new QR code resets nothing. Failures
 * before a staff reset (resetAttempts) no longer count.
 */
export async function failuresSoFar(tx: Db, candidateId: number): Promise<number> {
	const reset = await tx
		.selectFrom('candidates')
		.select('attempts_reset_at')
		.where('id', '=', candidateId)
		.executeTakeFirst();
	const since = reset?.attempts_reset_at ?? null;
	const outcomes = await tx
		.selectFrom('outcomes')
		.select((eb) => eb.fn.countAll().as('n'))
		.where('candidate_id', '=', candidateId)
		.where('result', '=', 'failed')
		.$if(since !== null, (q) => q.where('outcomes.recorded_at', '>', since!))
		.where(({ not, exists, selectFrom }) =>
			not(
				exists(
					selectFrom('failed_attempts')
						.select('failed_attempts.id')
						.whereRef('failed_attempts.bundle_sha256', '=', 'outcomes.bundle_sha256')
				)
			)
		)
		.executeTakeFirstOrThrow();
	const reported = await tx
		.selectFrom('failed_attempts')
		.select((eb) => eb.fn.countAll().as('n'))
		.where('candidate_id', '=', candidateId)
		.where('counted', '=', true)
		.$if(since !== null, (q) => q.where('recorded_at', '>', since!))
		.executeTakeFirstOrThrow();
	return Number(outcomes.n) + Number(reported.n);
}

/**
 * Staff give a candidate their online attempts back (after a call to the office, or attempts a stranger used up):
 * the block is lifted and earlier failures stop counting. Audited with the staff member and the reason.
 */
export async function resetAttempts(
	db: Db,
	staff: StaffUser,
	idNumber: string,
	reason: string,
	now = new Date()
): Promise<{ idNumber: string; failures: number }> {
	const province = provinceOf(staff);
	// Another province's candidate is not found: the account cannot learn whether the ID number is registered there.
	const row = await db
		.updateTable('candidates')
		.set({ online_blocked: null, attempts_reset_at: now })
		.where('id_number', '=', idNumber.trim().toUpperCase())
		.where((eb) => inProvince(eb, 'province', province))
		.returning(['id', 'id_number', 'online_blocked'])
		.executeTakeFirst();
	if (!row)
		throw new ServiceError(
			404,
			'no_registration',
			'未找到该身份证号码的报名信息',
			'No registration record for this ID number.'
		);
	await audit(db, {
		actor: `staff:${staff.id}`,
		action: 'candidate.attempts_reset',
		candidateId: row.id,
		detail: { reason }
	});
	return { idNumber: row.id_number, failures: await failuresSoFar(db, row.id) };
}
