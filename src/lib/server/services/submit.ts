// The phone's final submission: verify the signed bundle, then record the outcome exactly once.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/bundle/canonical.ts';
import type { Challenge } from '../../core/bundle/schema.ts';
import { verifyBundle } from '../../core/bundle/verify.ts';
import { audit } from '../audit.ts';
import type { Db } from '../db/index.ts';
import { ServiceError } from './errors.ts';
import { isUuid } from './sessions.ts';

export interface Submission {
	bundle: unknown;
	photo?: Uint8Array;
	signature?: Uint8Array;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export async function submitBundle(db: Db, sessionId: string, submission: Submission, now = new Date()) {
	const uploaded = {
		photoSha256: submission.photo ? sha256(submission.photo) : undefined,
		signatureSha256: submission.signature ? sha256(submission.signature) : undefined
	};
	if (!isUuid(sessionId))
		throw new ServiceError(404, 'unknown_session', '未找到确认会话', 'No such confirmation session.');
	const result = await db.transaction().execute(async (tx) => {
		const session = await tx
			.selectFrom('verification_sessions')
			.innerJoin('candidates', 'candidates.id', 'verification_sessions.candidate_id')
			.select([
				'verification_sessions.id',
				'verification_sessions.status',
				'verification_sessions.device_public_key',
				'verification_sessions.challenge',
				'verification_sessions.candidate_id',
				'candidates.id_number'
			])
			.where('verification_sessions.id', '=', sessionId)
			.forUpdate()
			.executeTakeFirst();
		if (!session || !session.device_public_key || !session.challenge) {
			return {
				rejected: new ServiceError(404, 'unknown_session', '未找到确认会话', 'No such confirmation session.')
			};
		}
		const bundleSha = sha256(new TextEncoder().encode(canonicalJson(submission.bundle ?? null)));
		if (session.status === 'confirmed') {
			// The phone retried after losing the response: the same bundle is acknowledged, anything else refused.
			const existing = await tx
				.selectFrom('outcomes')
				.select(['bundle_sha256', 'result'])
				.where('session_id', '=', sessionId)
				.executeTakeFirst();
			if (existing?.bundle_sha256 === bundleSha) return { outcome: existing.result, duplicate: true };
			return {
				rejected: new ServiceError(
					409,
					'already_recorded',
					'本次确认已完成，不能重复提交',
					'This confirmation is already recorded.'
				)
			};
		}
		const verdict = await verifyBundle(submission.bundle, {
			sessionId,
			publicKey: session.device_public_key,
			challenge: session.challenge as Challenge,
			expectedIdNumber: session.id_number,
			now,
			uploaded
		});
		if (!verdict.ok) {
			return {
				rejected: new ServiceError(
					verdict.code === 'challenge_expired' ? 410 : 400,
					verdict.code,
					verdict.zh,
					verdict.en
				)
			};
		}
		const passed = verdict.payload.steps.every((s) => s.passed);
		const outcome = passed ? 'confirmed' : 'failed';
		await tx
			.insertInto('outcomes')
			.values({
				session_id: sessionId,
				candidate_id: session.candidate_id,
				result: outcome,
				bundle: JSON.stringify(submission.bundle),
				bundle_sha256: bundleSha
			})
			.execute();
		await tx
			.updateTable('verification_sessions')
			.set({ status: outcome, completed_at: now })
			.where('id', '=', sessionId)
			.execute();
		await audit(tx, { actor: 'phone', action: 'bundle.accepted', sessionId, detail: { outcome } });
		return { outcome, duplicate: false };
	});
	if ('rejected' in result && result.rejected) {
		await audit(db, {
			actor: 'phone',
			action: 'bundle.rejected',
			sessionId,
			detail: { code: result.rejected.code }
		});
		throw result.rejected;
	}
	return result as { outcome: string; duplicate: boolean };
}
