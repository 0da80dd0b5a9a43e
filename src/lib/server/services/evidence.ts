// The server's own evidence that the uploaded photo shows the candidate: its face engine's embedding of the photo
// compared with the candidate's reference photo at the province's face-match threshold, or the identity authority's
// answer at the province's authority threshold (the authority answers on its own scale, not our model's).
// The phone's results are claims (its code is in the candidate's hands): they never decide a confirmation, this
// does. See docs/threat-model.md.
import type { Message } from '../../core/text.ts';
import { cosineSimilarity } from '../../core/face/match.ts';
import type { FaceEngine } from '../../core/face/types.ts';
import { resolve } from '../../core/policy/resolve.ts';
import type { ProvincePolicy } from '../../core/policy/types.ts';
import { AuthorityUnavailable, type IdentityAuthority } from '../authority/index.ts';
import type { Db } from '../db/index.ts';
import { ServiceError } from './errors.ts';
import { referenceEmbedding } from './reference-photos.ts';

/** What a comparison measured: against which evidence, the similarity, and the line it was held to. */
interface EvidenceMeasure {
	source: 'reference' | 'authority';
	similarity: number;
	threshold: number;
}

export interface EvidenceReason extends Message, Partial<EvidenceMeasure> {}

/**
 * match → may confirm; mismatch → the attempt fails; none → held for review (or trusted, by explicit policy);
 * weak → a match below the province's clear-match line, held for review whatever the policy trusts.
 */
export type EvidenceVerdict =
	| { decision: 'match'; reason: EvidenceReason }
	| { decision: 'mismatch'; reason: EvidenceReason }
	| { decision: 'none'; reason: EvidenceReason }
	| { decision: 'weak'; reason: EvidenceReason };

export interface EvidenceInput {
	policy: ProvincePolicy;
	candidateId: number;
	name: string;
	idNumber: string;
	/** The uploaded photo, when the province takes one. */
	photo: Uint8Array | undefined;
	/** The server's embedding of the photo's one face (null: no face engine, or no photo). */
	embedding: readonly number[] | null;
	/** The server's face engine, loaded on first use; null when it is off. */
	face: (() => Promise<FaceEngine>) | null;
	/** The identity authority, made when the policy asks it. */
	authority: () => IdentityAuthority;
}

export const noServerEvidence = (zh: string, en: string): EvidenceVerdict => ({
	decision: 'none',
	reason: {
		code: 'no_server_evidence',
		zh: `服务器无法自行核验本人，已转人工审核：${zh}`,
		en: `The server could not verify the face itself, so an officer will review it: ${en}`
	}
});

function compared(
	source: EvidenceMeasure['source'],
	similarity: number,
	threshold: number,
	clearMatch: number | null = null
): EvidenceVerdict {
	const measured: EvidenceMeasure = { source, similarity: Math.round(similarity * 1000) / 1000, threshold };
	if (similarity < threshold) return mismatch(measured);
	if (clearMatch !== null && similarity < clearMatch)
		return {
			decision: 'weak',
			reason: {
				code: 'weak_match',
				zh: '照片与报名档案照片相似但不足以自动确认，已转人工审核，请留意自考办通知',
				en: 'The photo resembles the one on your registration record, but not clearly enough to confirm automatically; an officer will review it',
				...measured
			}
		};
	return {
		decision: 'match',
		reason: { code: 'face_match', zh: '人脸比对通过', en: 'The face matches', ...measured }
	};
}

function mismatch(measured: EvidenceMeasure): EvidenceVerdict {
	const { source } = measured;
	return {
		decision: 'mismatch',
		reason: {
			code: 'face_mismatch',
			zh:
				source === 'authority'
					? '照片与公安部身份认证的人像不是同一人，本次认证失败'
					: '照片与您报名档案中的照片不是同一人，本次认证失败',
			en:
				source === 'authority'
					? 'The photo does not match the identity authority’s portrait; this attempt failed'
					: 'The photo does not match the photo on your registration record; this attempt failed',
			...measured
		}
	};
}

const authorityUnavailable = () =>
	new ServiceError(
		503,
		'authority_unavailable',
		'身份认证服务暂时无法连接，请稍后重新提交（本次提交未记录，不计入次数）',
		'The identity check service cannot be reached; submit again in a few minutes (nothing was recorded or counted)'
	);

/**
 * The evidence for one submission. An authority that cannot be reached is a 503 with nothing recorded (the phone
 * keeps the bundle and sends it again); one with no record for the number, like a candidate without a reference
 * photo, leaves the server without evidence.
 */
export async function gatherEvidence(db: Db, input: EvidenceInput): Promise<EvidenceVerdict> {
	const { policy } = input;
	const authority = policy.serverEvidence.authority;
	if (!input.face) return noServerEvidence('服务器人脸引擎未开启', "the server's face engine is off");
	if (!input.photo)
		return noServerEvidence('本省流程不上传照片', 'no photo is uploaded in this province’s flow');
	if (!input.embedding)
		return noServerEvidence('照片中的人脸无法提取', 'no face could be measured in the photo');
	if (authority) {
		let answer;
		try {
			answer = await input.authority().check({
				name: input.name,
				idNumber: input.idNumber,
				photoJpeg: input.photo
			});
		} catch (error) {
			if (error instanceof AuthorityUnavailable) throw authorityUnavailable();
			throw error;
		}
		if (answer.kind === 'similarity')
			return compared('authority', answer.similarity, authority.threshold.value);
		return {
			decision: 'none',
			reason: {
				code: 'authority_no_record',
				zh: '公安部身份认证无此身份证号码的人像记录，已转人工审核，请留意自考办通知',
				en: 'The identity authority holds no portrait for this ID number; an officer will review your confirmation'
			}
		};
	}
	const reference = await referenceEmbedding(db, input.candidateId, input.face);
	if (reference)
		return compared(
			'reference',
			cosineSimilarity(input.embedding, reference),
			resolve(policy).thresholds.faceMatch,
			policy.serverEvidence.clearMatch
		);
	return noServerEvidence('没有可比对的参考照片', 'there is no reference photo to compare with');
}
