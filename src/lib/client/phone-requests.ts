// The signed messages the phone sends besides its final bundle: a failed attempt, reported when it happens (the
// server counts it, whatever the phone does next), a request for more time on the challenge, and afterwards the
// question where the recorded outcome stands.
import { refusalOf } from '../core/request-problems.ts';
import type { Message } from '../core/text.ts';
import type {
	AttemptPayload,
	ConsentPayload,
	ExtendPayload,
	ReviewPayload,
	StatusPayload
} from '../core/bundle/request.ts';
import type { ShownSessionStatus } from '../core/outcome.ts';
import type { DocumentVersions } from '../core/documents/index.ts';
import type { AttemptAnswer, ExtendAnswer } from '../core/bundle/answers.ts';
import type { StepResult } from '../core/bundle/schema.ts';
import { signPayload } from '../core/bundle/sign.ts';
import type { PhoneState } from './phone-store.ts';

export type SignedAttempt = Awaited<ReturnType<typeof signPayload<AttemptPayload>>>;
export type SignedReview = Awaited<ReturnType<typeof signPayload<ReviewPayload>>>;
export type SignedConsent = Awaited<ReturnType<typeof signPayload<ConsentPayload>>>;

export type PostResult<T> =
	{ kind: 'ok'; body: T } | { kind: 'offline' } | ({ kind: 'rejected'; status: number } & Message);

async function post<T>(url: string, body: unknown): Promise<PostResult<T>> {
	let response: Response;
	try {
		response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body)
		});
	} catch {
		return { kind: 'offline' };
	}
	const json = await response.json().catch(() => ({}));
	if (response.ok) return { kind: 'ok', body: json as T };
	// A server error is treated like a lost network: the message is kept and sent again.
	if (response.status >= 500) return { kind: 'offline' };
	return { kind: 'rejected', status: response.status, ...refusalOf(json, 'unknown') };
}

/** What every signed phone request carries: this session, its current challenge, and when it was signed. */
const envelope = (phone: PhoneState) => ({
	version: 1 as const,
	sessionId: phone.sessionId,
	challenge: phone.challenge,
	signedAt: new Date().toISOString()
});

export function signAttempt(phone: PhoneState, attempt: number, step: StepResult): Promise<SignedAttempt> {
	const candidate = { idNumber: phone.record.idNumber };
	const payload: AttemptPayload = { ...envelope(phone), type: 'attempt', candidate, attempt, step };
	return signPayload(payload, phone.keys.privateKey);
}

export const postAttempt = (report: SignedAttempt) => post<AttemptAnswer>('/api/phone/attempt', report);

/** The candidate's request for a manual review (sent after the failure reports, which give it its reason). */
export function signReview(phone: PhoneState): Promise<SignedReview> {
	const candidate = { idNumber: phone.record.idNumber };
	const payload: ReviewPayload = { ...envelope(phone), type: 'review', candidate };
	return signPayload(payload, phone.keys.privateKey);
}

export const postReview = (request: SignedReview) => post<{ outcome: string }>('/api/phone/review', request);

export async function requestExtension(
	phone: PhoneState,
	extension: number
): Promise<PostResult<ExtendAnswer>> {
	const payload: ExtendPayload = { ...envelope(phone), type: 'extend', extension };
	return post<ExtendAnswer>('/api/phone/challenge/extend', await signPayload(payload, phone.keys.privateKey));
}

/** The documents' versions the candidate accepted, for the server's consent record. */
export function signConsent(phone: PhoneState, versions: DocumentVersions): Promise<SignedConsent> {
	const payload: ConsentPayload = { ...envelope(phone), type: 'consent', versions, faceProcessing: true };
	return signPayload(payload, phone.keys.privateKey);
}

export const postConsent = (request: SignedConsent) =>
	post<{ versions: DocumentVersions; faceProcessing: true }>('/api/phone/consent', request);

/** Where the recorded outcome stands now (a confirmation may still be in the server's last check). */
export async function askStatus(
	phone: PhoneState
): Promise<PostResult<{ status: ShownSessionStatus; admissionNumber?: string }>> {
	const payload: StatusPayload = { ...envelope(phone), type: 'status' };
	return post('/api/phone/status', await signPayload(payload, phone.keys.privateKey));
}
