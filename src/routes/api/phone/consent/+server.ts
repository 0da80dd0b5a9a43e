import { phoneRequestHandler } from '$lib/server/http/phone-request';
import { recordConsent } from '$lib/server/services/consent';
import type { RequestHandler } from './$types';

/** JSON: the signed consent with the document versions accepted; recorded in the audit log. */
export const POST: RequestHandler = phoneRequestHandler('consent', (db, id, body) =>
	recordConsent(db, id, body)
);
