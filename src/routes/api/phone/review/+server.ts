import { phoneRequestHandler } from '$lib/server/http/phone-request';
import { requestReview } from '$lib/server/services/phone-requests';
import type { RequestHandler } from './$types';

/** JSON: a signed request for a manual review after a failed attempt; ends the session held for review. */
export const POST: RequestHandler = phoneRequestHandler('review', (db, id, body) =>
	requestReview(db, id, body)
);
