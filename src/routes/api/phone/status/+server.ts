import { phoneRequestHandler } from '$lib/server/http/phone-request';
import { phoneSessionStatus } from '$lib/server/services/phone-status';
import type { RequestHandler } from './$types';

/** JSON: a signed question from the phone, where its recorded outcome stands now -> {status}. */
export const POST: RequestHandler = phoneRequestHandler('status', (db, id, body) =>
	phoneSessionStatus(db, id, body)
);
