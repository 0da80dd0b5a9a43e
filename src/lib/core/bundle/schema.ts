// The result bundle the phone signs. Only results travel: never an ID-card image or a clip, and face frames only as
// the few small evidence crops a province that turns liveness evidence on asks for (attachments.evidence).
import * as v from 'valibot';
import { CompatReportSchema } from '../compat/report.ts';
import { MAX_EVIDENCE_CROPS } from '../liveness/evidence.ts';

const Sha256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));

export const StepResultSchema = v.object({
	kind: v.picklist(['record', 'idcard', 'liveness', 'photo', 'signature', 'camera']),
	passed: v.boolean(),
	/** Numbers the server re-checks against the policy's thresholds (similarity, anti-spoof, …). */
	scores: v.optional(v.record(v.string(), v.number()), {}),
	reasons: v.optional(v.array(v.string()), []),
	/** Model ids and sha256 of the staged files that produced this result. */
	models: v.optional(v.array(v.object({ id: v.string(), sha256: Sha256 })), []),
	details: v.optional(v.record(v.string(), v.union([v.string(), v.number(), v.boolean(), v.null()])), {})
});

export const BundlePayloadSchema = v.object({
	version: v.literal(1),
	sessionId: v.pipe(v.string(), v.uuid()),
	/** The challenge the server issued, echoed exactly. */
	challenge: v.object({
		nonce: v.pipe(v.string(), v.minLength(16), v.maxLength(128)),
		issuedAt: v.string(),
		expiresAt: v.string(),
		liveness: v.optional(v.unknown())
	}),
	candidate: v.object({ idNumber: v.pipe(v.string(), v.maxLength(32)) }),
	signedAt: v.string(),
	steps: v.pipe(v.array(StepResultSchema), v.maxLength(16)),
	attachments: v.optional(
		v.object({
			photoSha256: v.optional(Sha256),
			signatureSha256: v.optional(Sha256),
			/**
			 * Liveness evidence crops (policy liveness.evidence 'frames'), in upload order, each at the moment the
			 * challenge's nonce picked (core/liveness/evidence.ts). The server deletes them once it has judged them.
			 */
			evidence: v.optional(
				v.pipe(
					v.array(v.object({ moment: v.pipe(v.string(), v.maxLength(40)), sha256: Sha256 })),
					v.maxLength(MAX_EVIDENCE_CROPS)
				)
			)
		}),
		{}
	),
	device: v.optional(
		v.object({
			userAgent: v.optional(v.pipe(v.string(), v.maxLength(512))),
			/** The browser check before consent (src/lib/core/compat): family, capabilities, path; for reviewers. */
			compat: v.optional(CompatReportSchema)
		}),
		{}
	)
});

export const SignedBundleSchema = v.object({
	payload: BundlePayloadSchema,
	/** ECDSA P-256 / SHA-256 over canonicalJson(payload), IEEE P1363 (r||s), base64url. */
	signature: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{86}$/)),
	alg: v.literal('ES256')
});

export type StepResult = v.InferOutput<typeof StepResultSchema>;
export type BundlePayload = v.InferOutput<typeof BundlePayloadSchema>;
export type SignedBundle = v.InferOutput<typeof SignedBundleSchema>;
export type Challenge = BundlePayload['challenge'];
