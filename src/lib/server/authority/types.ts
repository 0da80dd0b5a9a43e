// The identity authority (公安部身份认证 in Beijing's guide): given a name, an ID number and a photo, it answers how
// similar the photo is to the portrait it holds for that number, or that it holds none. Like the SMS sender, an
// interface with an HTTP implementation for production and a simulator for development and tests.

export interface AuthorityRequest {
	name: string;
	idNumber: string;
	/** The uploaded registration photo (JPEG), the only image the server has. */
	photoJpeg: Uint8Array;
}

export type AuthorityAnswer = { kind: 'similarity'; similarity: number } | { kind: 'no_record' };

export interface IdentityAuthority {
	readonly name: string;
	/** Throws AuthorityUnavailable when no answer could be had (timeout, errors, circuit open). */
	check(request: AuthorityRequest): Promise<AuthorityAnswer>;
}

export class AuthorityUnavailable extends Error {}

/** The wire format both the HTTP client and the simulator's server speak. */
export interface AuthorityWireRequest {
	name: string;
	idNumber: string;
	/** base64 JPEG */
	photo: string;
}
export type AuthorityWireAnswer = { similarity: number } | { result: 'no_record' };

/** The answer's shape checked; anything else is treated as the authority failing. */
export function parseWireAnswer(body: unknown): AuthorityAnswer | null {
	if (!body || typeof body !== 'object') return null;
	const b = body as Record<string, unknown>;
	if (b.result === 'no_record') return { kind: 'no_record' };
	if (typeof b.similarity === 'number' && Number.isFinite(b.similarity) && Math.abs(b.similarity) <= 1)
		return { kind: 'similarity', similarity: b.similarity };
	return null;
}
