// The pre-registration photo (Fujian, issue 21): a new candidate uploads a registration photo on the registration
// site; it is checked at once with the photo core the phone uses (reasons, and a processed photo to accept); the
// office audits the queue oldest first against the province's target; an approved photo becomes the candidate's
// reference photo (source pre_registration), and only then may a session start.
import type { Message } from '../../core/text.ts';
import { maskIdNumber } from '../../core/mask.ts';
import { createHash } from 'node:crypto';
import { findPolicy, type PreRegistrationPolicy } from '../../core/policy/index.ts';
import { audit } from '../audit.ts';
import type { Db } from '../db/index.ts';
import { serverJpegEmbedder } from '../face.ts';
import { ServiceError } from './errors.ts';
import { RATE_RULES, rateLimit } from './rate-limit.ts';
import { chinaDayStart } from '../../core/china-time.ts';
import { prepareReferencePhoto, storeReferencePhoto } from './reference-photos.ts';
import { provinceOf, requireProvince, type StaffUser } from './staff.ts';
import { hashSecret, newSecret } from './tokens.ts';
import { inProvince } from '../db/province-scope.ts';

export type PreRegistrationStatus = 'pending' | 'approved' | 'rejected';

export type AuditReason = Message;

/** What an officer may reject an upload for (plus free text): the candidate sees the chosen ones as they are. */
export const AUDIT_REJECT_REASONS: readonly AuditReason[] = [
	{ code: 'not_the_candidate', zh: '照片不是考生本人', en: 'The photo does not show the candidate' },
	{ code: 'not_recent', zh: '照片不是近期免冠正面照', en: 'Not a recent bare-headed frontal photo' },
	{ code: 'retouched', zh: '照片经过美颜或修改', en: 'The photo is retouched or edited' },
	{ code: 'accessories', zh: '佩戴帽子、有色眼镜或遮挡面部', en: 'Hat, tinted glasses or a covered face' },
	{ code: 'quality', zh: '照片模糊、过暗或有反光', en: 'The photo is blurred, dark or has glare' },
	{ code: 'background', zh: '背景不符合要求', en: 'The background does not meet the rules' }
];

export function preRegistrationPolicy(province: string): PreRegistrationPolicy | null {
	return findPolicy(province)?.preRegistration ?? null;
}

const notRequired = () =>
	new ServiceError(
		409,
		'pre_registration_not_required',
		'本省不需要上传预报名照片',
		'This province does not take a pre-registration photo.'
	);

export interface PreRegistrationState {
	status: PreRegistrationStatus | 'none';
	reasons: AuditReason[];
	note: string | null;
	uploadedAt: string | null;
	uploadsToday: number;
	uploadsPerDay: number;
	auditTargetHours: number;
}

async function latestUpload(db: Db, candidateId: number) {
	return db
		.selectFrom('pre_registration_photos')
		.select(['id', 'status', 'reasons', 'note', 'uploaded_at'])
		.where('candidate_id', '=', candidateId)
		.orderBy('uploaded_at', 'desc')
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
}

async function uploadsSince(db: Db, candidateId: number, since: Date): Promise<number> {
	const row = await db
		.selectFrom('pre_registration_photos')
		.select((eb) => eb.fn.countAll<string>().as('n'))
		.where('candidate_id', '=', candidateId)
		.where('uploaded_at', '>=', since)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** The candidate's pre-registration as they see it: the latest upload's state and reasons, today's uploads. */
export async function preRegistrationState(
	db: Db,
	candidate: { id: number; province: string },
	now = new Date()
): Promise<PreRegistrationState> {
	const policy = preRegistrationPolicy(candidate.province);
	if (!policy) throw notRequired();
	const latest = await latestUpload(db, candidate.id);
	return {
		status: latest?.status ?? 'none',
		reasons: (latest?.reasons as AuditReason[] | undefined) ?? [],
		note: latest?.note ?? null,
		uploadedAt: latest ? new Date(latest.uploaded_at).toISOString() : null,
		uploadsToday: await uploadsSince(db, candidate.id, chinaDayStart(now)),
		uploadsPerDay: policy.uploadsPerDay,
		auditTargetHours: policy.auditTargetHours
	};
}

/**
 * Why a session cannot start yet, or null when it may: a province with a pre-registration photo needs the
 * candidate's reference photo (the approved upload, or one the registration system sent) first.
 */
export async function preRegistrationBlock(
	db: Db,
	candidate: { id: number; province: string }
): Promise<ServiceError | null> {
	if (!preRegistrationPolicy(candidate.province)) return null;
	const reference = await db
		.selectFrom('reference_photos')
		.select('candidate_id')
		.where('candidate_id', '=', candidate.id)
		.executeTakeFirst();
	if (reference) return null;
	const latest = await latestUpload(db, candidate.id);
	const [zh, en] =
		latest?.status === 'pending'
			? [
					'您的预报名照片正在等待审核，审核通过后才能开始身份确认',
					'Your pre-registration photo is waiting for the office’s audit; the confirmation can start once it is approved'
				]
			: latest?.status === 'rejected'
				? [
						'您的预报名照片未通过审核，请按原因重新上传，审核通过后才能开始身份确认',
						'Your pre-registration photo was rejected; upload a new one as the reasons say, and the confirmation can start once it is approved'
					]
				: [
						'请先上传预报名照片，审核通过后才能开始身份确认',
						'Upload your pre-registration photo first; the confirmation can start once the office has approved it'
					];
	return new PreRegistrationRequired(candidate.id, zh, en);
}

/** A session start refused until the pre-registration photo is approved; the candidate may still upload. */
export class PreRegistrationRequired extends ServiceError {
	constructor(
		readonly candidateId: number,
		zh: string,
		en: string
	) {
		super(409, 'pre_registration_required', zh, en);
	}
}

export interface UploadChecks {
	/** The photo core's reasons for refusing the file (empty = compliant). */
	reasons(jpeg: Uint8Array, policy: PreRegistrationPolicy): Promise<AuditReason[]>;
	/** The processed compliant photo made of a refused upload, or null when none can be made. */
	processed(jpeg: Uint8Array, policy: PreRegistrationPolicy): Promise<Uint8Array | null>;
}

/** A refused upload: the reasons at once and, when the photo core could make one, a compliant photo to accept. */
export class PhotoNotCompliant extends ServiceError {
	constructor(
		readonly reasons: AuditReason[],
		readonly processed: Uint8Array | null
	) {
		super(
			422,
			'photo_rejected',
			`照片不符合要求：${reasons.map((r) => r.zh).join('；')}`,
			`The photo does not meet the rules: ${reasons.map((r) => r.en).join('; ')}`
		);
	}

	override toJSON() {
		return {
			error: { code: this.code, zh: this.zh, en: this.en },
			reasons: this.reasons,
			...(this.processed ? { processed: Buffer.from(this.processed).toString('base64') } : {})
		};
	}
}

/**
 * Candidates whose upload is being checked in this process. A refused upload may cost a processed photo made from a
 * 50 MP picture (~70 MB, and the face engine on the event loop): one at a time per candidate, else one signed-in
 * client sending its daily uploads at once held the server's memory and every other request for seconds.
 */
const checking = new Set<number>();

/** Uploads a pre-registration photo for audit (checked first; refused with reasons and a processed photo). */
export async function uploadPreRegistrationPhoto(
	db: Db,
	candidate: { id: number; province: string },
	jpeg: Uint8Array,
	checks: UploadChecks,
	actor: string,
	now = new Date()
): Promise<PreRegistrationState> {
	const policy = preRegistrationPolicy(candidate.province);
	if (!policy) throw notRequired();
	const latest = await latestUpload(db, candidate.id);
	if (latest?.status === 'approved')
		throw new ServiceError(409, 'already_approved', '预报名照片已审核通过', 'The photo is already approved.');
	if (latest?.status === 'pending')
		throw new ServiceError(
			409,
			'awaiting_audit',
			'预报名照片正在等待审核，审核结果出来前不能重新上传',
			'The photo is waiting for the audit; a new one can be uploaded after the decision.'
		);
	const limit = () =>
		new ServiceError(
			429,
			'upload_limit',
			`今天已上传 ${policy.uploadsPerDay} 次，请明天再上传`,
			`You have uploaded ${policy.uploadsPerDay} times today; upload again tomorrow.`
		);
	if ((await uploadsSince(db, candidate.id, chinaDayStart(now))) >= policy.uploadsPerDay) throw limit();
	if (checking.has(candidate.id))
		throw new ServiceError(
			429,
			'upload_in_progress',
			'上一张照片仍在检查中，请等它的结果出来后再上传',
			'The previous photo is still being checked; wait for its result before uploading again.'
		);
	checking.add(candidate.id);
	try {
		await rateLimit(db, `pre-registration-checks:${candidate.id}`, RATE_RULES.preRegistrationChecks, now);
		const reasons = await checks.reasons(jpeg, policy);
		if (reasons.length > 0) throw new PhotoNotCompliant(reasons, await checks.processed(jpeg, policy));
	} finally {
		checking.delete(candidate.id);
	}
	await db.transaction().execute(async (tx) => {
		// Counted under the candidate's row lock, so two uploads at once cannot pass the daily limit.
		await tx.selectFrom('candidates').select('id').where('id', '=', candidate.id).forUpdate().execute();
		if ((await uploadsSince(tx, candidate.id, chinaDayStart(now))) >= policy.uploadsPerDay) throw limit();
		const pending = await tx
			.selectFrom('pre_registration_photos')
			.select('id')
			.where('candidate_id', '=', candidate.id)
			.where('status', 'in', ['pending', 'approved'])
			.executeTakeFirst();
		if (pending)
			throw new ServiceError(
				409,
				'awaiting_audit',
				'预报名照片正在等待审核',
				'The photo is waiting for the audit.'
			);
		await tx
			.insertInto('pre_registration_photos')
			.values({
				candidate_id: candidate.id,
				sha256: createHash('sha256').update(jpeg).digest('hex'),
				jpeg,
				uploaded_at: now
			})
			.execute();
		await audit(tx, { actor, action: 'pre_registration.upload', candidateId: candidate.id });
	});
	return preRegistrationState(db, candidate, now);
}

export interface QueueItem {
	id: number;
	candidateId: number;
	name: string;
	/** Masked: the first six and last four digits. */
	idNumber: string;
	province: string;
	examArea: string;
	uploadedAt: string;
	ageHours: number;
	targetHours: number;
	overdue: boolean;
}

/**
 * Pending uploads of the account's province (every province for a national account), oldest first, each with its
 * age against its province's audit target.
 */
export async function auditQueue(
	db: Db,
	staff: StaffUser,
	now = new Date(),
	limit = 200
): Promise<QueueItem[]> {
	const province = provinceOf(staff);
	const rows = await db
		.selectFrom('pre_registration_photos as p')
		.innerJoin('candidates as c', 'c.id', 'p.candidate_id')
		.select(['p.id', 'p.candidate_id', 'p.uploaded_at', 'c.name', 'c.id_number', 'c.province', 'c.exam_area'])
		.where('p.status', '=', 'pending')
		.where((eb) => inProvince(eb, 'c.province', province))
		.orderBy('p.uploaded_at', 'asc')
		.orderBy('p.id', 'asc')
		.limit(limit)
		.execute();
	return rows.map((r) => {
		const targetHours = preRegistrationPolicy(r.province)?.auditTargetHours ?? 24;
		const ageHours = Math.max(0, (now.getTime() - new Date(r.uploaded_at).getTime()) / 3_600_000);
		return {
			id: r.id,
			candidateId: r.candidate_id,
			name: r.name,
			idNumber: maskIdNumber(r.id_number),
			province: r.province,
			examArea: r.exam_area,
			uploadedAt: new Date(r.uploaded_at).toISOString(),
			ageHours: Math.round(ageHours * 10) / 10,
			targetHours,
			overdue: ageHours > targetHours
		};
	});
}

const unknownUpload = () =>
	new ServiceError(404, 'unknown_upload', '未找到该预报名照片', 'No such pre-registration photo.');

/** An upload with its candidate's province (whose office audits it). */
function uploadOf(db: Db, id: number) {
	return db
		.selectFrom('pre_registration_photos as p')
		.innerJoin('candidates as c', 'c.id', 'p.candidate_id')
		.select(['p.jpeg', 'p.candidate_id', 'p.status', 'c.province'])
		.where('p.id', '=', id)
		.executeTakeFirst();
}

/** The uploaded JPEG, for the officer's eyes (each view is audited). */
export async function uploadedPhoto(db: Db, staff: StaffUser, id: number): Promise<Uint8Array> {
	const row = await uploadOf(db, id);
	if (!row?.jpeg) throw unknownUpload();
	requireProvince(staff, row.province);
	await audit(db, {
		actor: `staff:${staff.id}`,
		action: 'pre_registration.view',
		candidateId: row.candidate_id,
		detail: { upload: id }
	});
	return row.jpeg;
}

export type AuditDecision =
	{ decision: 'approve' } | { decision: 'reject'; reasons: readonly string[]; note?: string };

/**
 * Approves or rejects one pending upload, audited. Approval makes the photo the candidate's reference photo
 * (embedded by the server's face engine first, outside the transaction).
 */
export async function decidePreRegistration(
	db: Db,
	staff: StaffUser,
	id: number,
	input: AuditDecision,
	now = new Date()
): Promise<{ id: number; status: PreRegistrationStatus }> {
	const row = await uploadOf(db, id);
	if (!row?.jpeg) throw unknownUpload();
	requireProvince(staff, row.province);
	const decided = () =>
		new ServiceError(409, 'already_decided', '该照片已审核', 'This photo has already been decided.');
	if (row.status !== 'pending') throw decided();
	let reasons: AuditReason[] = [];
	const note = input.decision === 'reject' ? (input.note?.trim() ?? '') : '';
	if (input.decision === 'reject') {
		reasons = input.reasons.map((code) => {
			const known = AUDIT_REJECT_REASONS.find((r) => r.code === code);
			if (!known)
				throw new ServiceError(
					400,
					'unknown_reason',
					'未知的驳回原因',
					`Unknown rejection reason "${code}".`
				);
			return known;
		});
		if (reasons.length === 0 && !note)
			throw new ServiceError(
				400,
				'reason_required',
				'请选择或填写驳回原因',
				'Choose or write a reason for the rejection.'
			);
	}
	const reference =
		input.decision === 'approve'
			? await prepareReferencePhoto('pre_registration', row.jpeg, serverJpegEmbedder())
			: null;
	const status: PreRegistrationStatus = input.decision === 'approve' ? 'approved' : 'rejected';
	await db.transaction().execute(async (tx) => {
		const updated = await tx
			.updateTable('pre_registration_photos')
			.set({
				status,
				reasons: JSON.stringify(reasons),
				note: note || null,
				decided_at: now,
				decided_by: staff.id
			})
			.where('id', '=', id)
			.where('status', '=', 'pending')
			.returning('id')
			.execute();
		if (updated.length === 0) throw decided();
		if (reference) await storeReferencePhoto(tx, row.candidate_id, reference);
		await audit(tx, {
			actor: `staff:${staff.id}`,
			action: `pre_registration.${input.decision}`,
			candidateId: row.candidate_id,
			detail: { upload: id, reasons: reasons.map((r) => r.code), ...(note ? { note } : {}) }
		});
	});
	return { id, status };
}

/** The registration site's sign-in of a candidate who has to pre-register first (an hour, like the PC session). */
export async function signInForPreRegistration(
	db: Db,
	candidateId: number,
	now = new Date()
): Promise<string> {
	const token = newSecret();
	await db
		.insertInto('pc_sign_ins')
		.values({
			token_hash: hashSecret(token),
			candidate_id: candidateId,
			expires_at: new Date(now.getTime() + 3_600_000)
		})
		.execute();
	return token;
}

/**
 * Ends a registration-site sign-in on the server, not only in the browser: on a shared computer (an internet café, a
 * school's room) the next person must not be able to go on as the candidate, nor anyone who copied the cookie.
 */
export async function signOutOfPreRegistration(db: Db, token: string | undefined): Promise<void> {
	if (!token) return;
	await db.deleteFrom('pc_sign_ins').where('token_hash', '=', hashSecret(token)).execute();
}

/** Ends every registration-site sign-in of a candidate (the phone number they signed in with left the record). */
export async function endPreRegistrationSignIns(db: Db, candidateId: number): Promise<void> {
	await db.deleteFrom('pc_sign_ins').where('candidate_id', '=', candidateId).execute();
}

export async function preRegistrationCandidate(
	db: Db,
	token: string | undefined,
	now = new Date()
): Promise<{ id: number; province: string; idNumber: string; name: string } | null> {
	if (!token) return null;
	const row = await db
		.selectFrom('pc_sign_ins as s')
		.innerJoin('candidates as c', 'c.id', 's.candidate_id')
		.select(['c.id', 'c.province', 'c.id_number', 'c.name', 's.expires_at'])
		.where('s.token_hash', '=', hashSecret(token))
		.executeTakeFirst();
	if (!row || new Date(row.expires_at).getTime() < now.getTime()) return null;
	return { id: row.id, province: row.province, idNumber: row.id_number, name: row.name };
}

/** An upload's id from a URL segment (anything else is "no such upload"). */
export function parseUploadId(raw: string): number {
	if (!/^\d{1,9}$/.test(raw)) throw unknownUpload();
	return Number(raw);
}
