// The identity authority over HTTP: POST {name, idNumber, photo (base64 JPEG)} with a bearer token, answer
// {similarity} or {result: "no_record"}. Each request has a timeout and a few retries; a circuit breaker stops
// calling an authority that keeps failing (each candidate would otherwise wait for every timeout) and tries again
// after a pause. Its state is per server instance: each instance finds out for itself.
import {
	AuthorityUnavailable,
	parseWireAnswer,
	type AuthorityAnswer,
	type AuthorityRequest,
	type AuthorityWireRequest,
	type IdentityAuthority
} from './types.ts';

export interface HttpAuthorityOptions {
	url: string;
	token?: string;
	timeoutMs: number;
	/** Further tries after a failed one (timeouts, network errors, 5xx, 429). */
	retries: number;
	/** Consecutive failed checks that open the circuit, and how long it stays open. */
	breakerFailures: number;
	breakerOpenMs: number;
	fetch?: typeof fetch;
	now?: () => number;
}

export function httpAuthority(options: HttpAuthorityOptions): IdentityAuthority {
	const doFetch = options.fetch ?? fetch;
	const now = options.now ?? Date.now;
	let failures = 0;
	let openUntil = 0;

	async function once(body: string): Promise<AuthorityAnswer | 'retry'> {
		let response: Response;
		try {
			response = await doFetch(options.url, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					...(options.token ? { authorization: `Bearer ${options.token}` } : {})
				},
				body,
				// A redirect is not an answer: following one would send the name, ID number and photo to whatever
				// address it names (a 307 resends the body), or read a GET's page as the verdict.
				redirect: 'manual',
				signal: AbortSignal.timeout(options.timeoutMs)
			});
		} catch {
			return 'retry';
		}
		if (response.status >= 500 || response.status === 429) return 'retry';
		if (!response.ok) throw new AuthorityUnavailable(`authority answered ${response.status}`);
		const answer = parseWireAnswer(await response.json().catch(() => null));
		if (!answer) throw new AuthorityUnavailable('authority answer malformed');
		return answer;
	}

	return {
		name: 'http',
		async check(request: AuthorityRequest) {
			if (now() < openUntil) throw new AuthorityUnavailable('authority circuit open');
			const body = JSON.stringify({
				name: request.name,
				idNumber: request.idNumber,
				photo: Buffer.from(request.photoJpeg).toString('base64')
			} satisfies AuthorityWireRequest);
			try {
				for (let attempt = 0; attempt <= options.retries; attempt++) {
					const answer = await once(body);
					if (answer !== 'retry') {
						failures = 0;
						return answer;
					}
				}
				throw new AuthorityUnavailable('authority did not answer');
			} catch (error) {
				if (++failures >= options.breakerFailures) openUntil = now() + options.breakerOpenMs;
				throw error instanceof AuthorityUnavailable ? error : new AuthorityUnavailable(String(error));
			}
		}
	};
}
