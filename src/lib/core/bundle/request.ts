// Signed requests the phone makes before its final bundle: a failed attempt to be counted, and a challenge
// extension. Same device key, same challenge, same canonical JSON and ES256 signature as the bundle, so the
// server knows they come from the phone that opened the link, within the challenge it issued.
import type { Message } from '../text.ts';
import * as v from 'valibot';
import { checkChallengeWindow } from './window.ts';
import { canonicalJson } from './canonical.ts';
import { StepResultSchema, type Challenge } from './schema.ts';
import { checkSignature, importPublicKey } from './sign.ts';

const ChallengeEcho = v.object({
	nonce: v.pipe(v.string(), v.minLength(16), v.maxLength(128)),
	issuedAt: v.string(),
	expiresAt: v.string(),
	liveness: v.optional(v.unknown())
});

const Base = {
	version: v.literal(1),
	sessionId: v.pipe(v.string(), v.uuid()),
	/** The challenge as the phone holds it (the current one, after any extension). */
	challenge: ChallengeEcho,
	signedAt: v.string()
};

/** A failed step, reported when it fails: the server counts it, whatever the phone does next. */
export const AttemptPayloadSchema = v.object({
	...Base,
	type: v.literal('attempt'),
	candidate: v.object({ idNumber: v.pipe(v.string(), v.maxLength(32)) }),
	/** 1, 2, 3… within the session; a resent report carries the same number and is counted once. */
	attempt: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)),
	step: StepResultSchema
});

/** Asks for more time: `extension` is 1 for the first request, 2 for the second. */
export const ExtendPayloadSchema = v.object({
	...Base,
	type: v.literal('extend'),
	extension: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10))
});

/** After a failed attempt, the candidate asks for a manual review instead of trying again (Hubei 人工审核). */
export const ReviewPayloadSchema = v.object({
	...Base,
	type: v.literal('review'),
	candidate: v.object({ idNumber: v.pipe(v.string(), v.maxLength(32)) })
});

/** The candidate accepted the documents in these versions (src/lib/core/documents): the server records them. */
export const ConsentPayloadSchema = v.object({
	...Base,
	type: v.literal('consent'),
	versions: v.object({
		terms: v.pipe(v.string(), v.maxLength(32)),
		privacy: v.pipe(v.string(), v.maxLength(32)),
		face: v.pipe(v.string(), v.maxLength(32))
	}),
	faceProcessing: v.literal(true)
});

/** Asks where the recorded outcome stands now (the server's last check may still be running). */
export const StatusPayloadSchema = v.object({
	...Base,
	type: v.literal('status')
});

const signed = <T extends v.GenericSchema>(payload: T) =>
	v.object({
		payload,
		signature: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{86}$/)),
		alg: v.literal('ES256')
	});

export const SignedAttemptSchema = signed(AttemptPayloadSchema);
export const SignedExtendSchema = signed(ExtendPayloadSchema);
export const SignedReviewSchema = signed(ReviewPayloadSchema);
export const SignedConsentSchema = signed(ConsentPayloadSchema);
export const SignedStatusSchema = signed(StatusPayloadSchema);
export type AttemptPayload = v.InferOutput<typeof AttemptPayloadSchema>;
export type ExtendPayload = v.InferOutput<typeof ExtendPayloadSchema>;
export type ReviewPayload = v.InferOutput<typeof ReviewPayloadSchema>;
export type ConsentPayload = v.InferOutput<typeof ConsentPayloadSchema>;
export type StatusPayload = v.InferOutput<typeof StatusPayloadSchema>;

export interface RequestContext {
	sessionId: string;
	publicKey: JsonWebKey;
	challenge: Challenge;
	now: Date;
	/** How long after the challenge's expiry the request is still taken (0 = not at all). */
	graceMs?: number;
	maxClockSkewMs?: number;
}

export type RequestRejectionCode =
	| 'malformed'
	| 'bad_key'
	| 'bad_signature'
	| 'wrong_session'
	| 'challenge_mismatch'
	| 'challenge_expired'
	| 'stale';

export type RequestVerdict<T> = { ok: true; payload: T } | ({ ok: false } & Message<RequestRejectionCode>);

/** Schema, exact fields, signature, session, challenge and time: what every signed phone request must satisfy. */
export async function verifyPhoneRequest<
	T extends { sessionId: string; challenge: Challenge; signedAt: string }
>(
	input: unknown,
	schema: v.GenericSchema<unknown, { payload: T; signature: string; alg: 'ES256' }>,
	ctx: RequestContext
): Promise<RequestVerdict<T>> {
	const parsed = v.safeParse(schema, input);
	if (!parsed.success) {
		const where = parsed.issues[0]?.path?.map((p) => String(p.key)).join('.') ?? '';
		return no('malformed', `请求数据格式不正确（${where}）`, `The request is malformed (${where}).`);
	}
	// As for bundles: what was signed must be exactly what was sent, nothing stripped or filled in.
	const raw = input as Record<string, unknown>;
	// The text the signature covers; computed once, for the comparison and the signature check.
	const signedText = canonicalJson(raw.payload);
	if (
		Object.keys(raw).some((k) => !['payload', 'signature', 'alg'].includes(k)) ||
		signedText !== canonicalJson(parsed.output.payload)
	) {
		return no('malformed', '请求数据含有未定义的字段', 'The request has unexpected fields.');
	}
	let key: CryptoKey;
	try {
		key = await importPublicKey(ctx.publicKey);
	} catch {
		return no('bad_key', '设备密钥无效', 'The device key is not valid.');
	}
	if (!(await checkSignature(parsed.output, key, signedText))) {
		return no('bad_signature', '签名校验失败', 'The signature does not verify.');
	}
	const { payload } = parsed.output;
	const problem = checkChallengeWindow(payload, ctx);
	if (problem) return no(problem.code, problem.zh, problem.en);
	return { ok: true, payload };
}

const no = (code: RequestRejectionCode, zh: string, en: string) => ({ ok: false as const, code, zh, en });
