import { smsSender } from '$lib/server/sms';
import { registrationEntryHandler } from '$lib/server/http/registration-entry';
import { sendAppLink } from '$lib/server/services/entry-links';
import type { RequestHandler } from './$types';

/** POST {idNumber} (bearer token) -> {sent, sessionId, phone (masked), expiresAt}: the one-time link goes by SMS (app-link). */
export const POST: RequestHandler = registrationEntryHandler((db, idNumber, origin) =>
	sendAppLink(db, smsSender(db), idNumber, origin)
);
