import { phoneRequestHandler } from '$lib/server/http/phone-request';
import { extendChallenge } from '$lib/server/services/phone-requests';
import type { RequestHandler } from './$types';

/** JSON: a signed extension request; answers the challenge with its new expiry, to be echoed from now on. */
export const POST: RequestHandler = phoneRequestHandler('extend', (db, id, body) =>
	extendChallenge(db, id, body)
);
