// The signed messages the phone sends before its final bundle: a failed attempt, reported when it happens (the
// server counts it, whatever the phone does next), and a request for more time on the challenge.
import type { AttemptPayload, ExtendPayload, ReviewPayload } from '../core/bundle/request.ts';
import type { Challenge, StepResult } from '../core/bundle/schema.ts';
import { signPayload } from '../core/bundle/sign.ts';
import type { ExhaustedOutcome } from '../core/policy/index.ts';
import type { PhoneState } from './phone-store.ts';

export type SignedAttempt = Awaited<ReturnType<typeof signPayload<AttemptPayload>>>;
export type SignedReview = Awaited<ReturnType<typeof signPayload<ReviewPayload>>>;

export type PostResult<T> =
	| { kind: 'ok'; body: T }
	| { kind: 'offline' }
	| { kind: 'rejected'; status: number; code: string; zh: string; en: string };

/** The server's answer to a report (src/lib/server/services/phone-requests.ts, AttemptAnswer). */
export interface AttemptAnswer {
	failures: number;
	max: number | null;
	attemptsLeft: number | null;
	next: ExhaustedOutcome[] | null;
}

export interface ExtendAnswer {
	challenge: Challenge;
	extensionsLeft: number;
}

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
	const error = json.error ?? {};
	return {
		kind: 'rejected',
		status: response.status,
		code: String(error.code ?? 'unknown'),
		zh: String(error.zh ?? '请求被拒绝'),
		en: String(error.en ?? 'Rejected')
	};
}

export async function signAttempt(
	phone: PhoneState,
	attempt: number,
	step: StepResult
): Promise<SignedAttempt> {
	const payload: AttemptPayload = {
		version: 1,
		type: 'attempt',
		sessionId: phone.sessionId,
		challenge: phone.challenge,
		signedAt: new Date().toISOString(),
		candidate: { idNumber: phone.record.idNumber },
		attempt,
		step
	};
	return signPayload(payload, phone.keys.privateKey);
}

export const postAttempt = (report: SignedAttempt) => post<AttemptAnswer>('/api/phone/attempt', report);

/** The candidate's request for a manual review (sent after the failure reports, which give it its reason). */
export function signReview(phone: PhoneState): Promise<SignedReview> {
	const payload: ReviewPayload = {
		version: 1,
		type: 'review',
		sessionId: phone.sessionId,
		challenge: phone.challenge,
		signedAt: new Date().toISOString(),
		candidate: { idNumber: phone.record.idNumber }
	};
	return signPayload(payload, phone.keys.privateKey);
}

export const postReview = (request: SignedReview) => post<{ outcome: string }>('/api/phone/review', request);

export async function requestExtension(
	phone: PhoneState,
	extension: number
): Promise<PostResult<ExtendAnswer>> {
	const payload: ExtendPayload = {
		version: 1,
		type: 'extend',
		sessionId: phone.sessionId,
		challenge: phone.challenge,
		signedAt: new Date().toISOString(),
		extension
	};
	return post<ExtendAnswer>('/api/phone/challenge/extend', await signPayload(payload, phone.keys.privateKey));
}
