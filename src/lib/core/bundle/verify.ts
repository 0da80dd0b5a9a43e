// Everything the server checks about a submitted bundle that does not need the database, in one place.
// The database-backed checks (token and nonce single use, attempt limits) sit in the server around this.
import type { Message } from '../text.ts';
import * as v from 'valibot';
import { checkChallengeWindow } from './window.ts';
import { canonicalJson } from './canonical.ts';
import { SignedBundleSchema, type BundlePayload, type Challenge } from './schema.ts';
import { checkSignature, importPublicKey } from './sign.ts';
import { findScoreViolation, type ScoreThresholds } from './thresholds.ts';

export type RejectionCode =
	| 'malformed'
	| 'bad_key'
	| 'bad_signature'
	| 'wrong_session'
	| 'challenge_mismatch'
	| 'challenge_expired'
	| 'stale'
	| 'id_mismatch'
	| 'attachment_mismatch'
	| 'unknown_model'
	| 'score_threshold'
	| 'missing_step'
	| 'photo_rejected'
	| 'step_failed';

export interface Rejection extends Message<RejectionCode> {
	ok: false;
}

export type Verdict = { ok: true; payload: BundlePayload } | Rejection;

export interface VerifyContext {
	sessionId: string;
	publicKey: JsonWebKey;
	/** The challenge as the server issued and stored it. */
	challenge: Challenge;
	expectedIdNumber: string;
	now: Date;
	/** How far the phone's clock may differ from the server's. */
	maxClockSkewMs?: number;
	/** sha256 of the files actually uploaded with the bundle (absent = none uploaded). */
	uploaded?: { photoSha256?: string; signatureSha256?: string; evidenceSha256?: readonly string[] };
	/** Model id -> sha256 the server accepts; absent = no model check. */
	allowedModels?: ReadonlyMap<string, string>;
	/** The policy's thresholds; absent = scores are not re-checked. */
	thresholds?: ScoreThresholds;
	/** Step kinds the bundle must contain (the policy's flow); absent = any. */
	requiredSteps?: readonly string[];
	/**
	 * Re-checks the uploaded photo (the server runs the photo engine here). Called last, only for a bundle that
	 * passed every other check, so a forged bundle costs no decoding. Returns reasons; empty = accepted.
	 */
	recheckPhoto?: () => Promise<Message[]>;
}

const reject = (code: RejectionCode, zh: string, en: string): Rejection => ({ ok: false, code, zh, en });

export async function verifyBundle(input: unknown, ctx: VerifyContext): Promise<Verdict> {
	const parsed = v.safeParse(SignedBundleSchema, input);
	if (!parsed.success) {
		const where = parsed.issues[0]?.path?.map((p) => String(p.key)).join('.') ?? '';
		return reject('malformed', `提交的数据格式不正确（${where}）`, `The submission is malformed (${where}).`);
	}
	const bundle = parsed.output;
	// The signature covers exactly what was sent: a field the schema would strip or fill in, or a top-level field
	// beside payload/signature/alg, would be stored without being signed, so such a bundle is refused.
	const raw = input as Record<string, unknown>;
	// The text the signature covers; computed once, for the comparison and the signature check.
	const signedText = canonicalJson(raw.payload);
	if (
		Object.keys(raw).some((k) => !['payload', 'signature', 'alg'].includes(k)) ||
		signedText !== canonicalJson(bundle.payload)
	) {
		return reject(
			'malformed',
			'提交的数据含有未定义或缺少的字段',
			'The submission has unexpected or missing fields.'
		);
	}
	let key: CryptoKey;
	try {
		key = await importPublicKey(ctx.publicKey);
	} catch {
		return reject('bad_key', '设备密钥无效', 'The device key is not valid.');
	}
	if (!(await checkSignature(bundle, key, signedText))) {
		return reject(
			'bad_signature',
			'签名校验失败：数据在传输中被改动或来自其他设备',
			'The signature does not verify: the data was altered or comes from another device.'
		);
	}
	const { payload } = bundle;
	const problem = checkChallengeWindow(payload, ctx);
	if (problem) return reject(problem.code, problem.zh, problem.en);
	if (payload.candidate.idNumber.toUpperCase() !== ctx.expectedIdNumber.toUpperCase()) {
		return reject(
			'id_mismatch',
			'身份证号码与报名信息不一致',
			'The ID number differs from the registration record.'
		);
	}
	const claimed = payload.attachments ?? {};
	const uploaded = ctx.uploaded ?? {};
	const claimedEvidence = (claimed.evidence ?? []).map((e) => e.sha256).join(',');
	if (
		claimed.photoSha256 !== uploaded.photoSha256 ||
		claimed.signatureSha256 !== uploaded.signatureSha256 ||
		claimedEvidence !== (uploaded.evidenceSha256 ?? []).join(',')
	) {
		return reject(
			'attachment_mismatch',
			'上传的照片或签名与签名数据不符',
			'The uploaded photo or signature differs from the signed result.'
		);
	}
	if (ctx.allowedModels) {
		for (const step of payload.steps) {
			for (const model of step.models ?? []) {
				if (ctx.allowedModels.get(model.id) !== model.sha256) {
					return reject(
						'unknown_model',
						`未认可的模型：${model.id}`,
						`Model not on the allow-list: ${model.id}`
					);
				}
			}
		}
	}
	if (ctx.requiredSteps) {
		const present = new Set(payload.steps.map((s) => s.kind));
		const missing = ctx.requiredSteps.filter(
			(k) => !present.has(k as (typeof payload.steps)[number]['kind'])
		);
		if (missing.length > 0) {
			return reject(
				'missing_step',
				`缺少必需的步骤：${missing.join('、')}`,
				`Required steps are missing: ${missing.join(', ')}`
			);
		}
	}
	if (ctx.thresholds) {
		const violation = findScoreViolation(payload.steps, ctx.thresholds);
		if (violation) {
			return reject(
				'score_threshold',
				`“${violation.step}”步骤的分数 ${violation.score}=${violation.value} 未达到阈值 ${violation.threshold}`,
				`Step "${violation.step}" is marked passed but ${violation.score}=${violation.value} is below ${violation.threshold}.`
			);
		}
	}
	if (ctx.recheckPhoto && uploaded.photoSha256) {
		const reasons = await ctx.recheckPhoto();
		if (reasons.length > 0) {
			return reject(
				'photo_rejected',
				`照片复核未通过：${reasons.map((r) => r.zh).join('；')}`,
				`The photo failed the server's re-check: ${reasons.map((r) => r.en).join('; ')}`
			);
		}
	}
	return { ok: true, payload };
}
