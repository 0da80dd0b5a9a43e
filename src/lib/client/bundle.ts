// Builds and signs the one thing the phone sends: step results (scores, reasons, measures), never an ID image or a
// clip. The final photo, the signature and the liveness evidence crops (where the policy asks for them) travel
// beside it, bound to it by their sha256.
import type { BundlePayload, SignedBundle, StepResult } from '../core/bundle/schema.ts';
import { signBundle } from '../core/bundle/sign.ts';
import { findPolicy } from '../core/policy/index.ts';
import { compatSummary } from './compat.ts';
import { sha256Hex } from './images.ts';
import type { PhoneState } from './phone-store.ts';

const ORDER: StepResult['kind'][] = ['record', 'idcard', 'liveness', 'photo', 'signature', 'camera'];

export async function signPhoneBundle(phone: PhoneState): Promise<SignedBundle> {
	const steps = ORDER.map((kind) => phone.results[kind]).filter((s): s is StepResult => !!s);
	const payload: BundlePayload = {
		version: 1,
		sessionId: phone.sessionId,
		challenge: phone.challenge,
		candidate: { idNumber: phone.record.idNumber },
		signedAt: new Date().toISOString(),
		steps,
		attachments: {
			...(phone.photo ? { photoSha256: await sha256Hex(phone.photo.output) } : {}),
			...(phone.signature ? { signatureSha256: await sha256Hex(phone.signature) } : {}),
			...(phone.evidence?.length
				? { evidence: phone.evidence.map(({ moment, sha256 }) => ({ moment, sha256 })) }
				: {})
		},
		device: {
			userAgent: navigator.userAgent.slice(0, 512),
			...(phone.compat ? { compat: compatSummary(phone.compat, findPolicy(phone.province)) } : {})
		}
	};
	return signBundle(payload, phone.keys.privateKey);
}
