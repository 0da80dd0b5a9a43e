import { phoneRequestHandler } from '$lib/server/http/phone-request';
import { reportAttempt } from '$lib/server/services/phone-requests';
import type { RequestHandler } from './$types';

/** JSON: a signed attempt report ({payload, signature, alg}); answers the failures counted and attempts left. */
export const POST: RequestHandler = phoneRequestHandler('attempt', (db, id, body) =>
	reportAttempt(db, id, body)
);
