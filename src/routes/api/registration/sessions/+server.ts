import { registrationEntryHandler } from '$lib/server/http/registration-entry';
import { registrationSession } from '$lib/server/services/entry-links';
import type { RequestHandler } from './$types';

/**
 * POST {idNumber} (bearer token) -> {sessionId, link, expiresAt}: for a candidate signed in on the registration
 * site (pc-qr), which shows `link` as a QR code. Starting one ends the candidate's earlier session.
 */
export const POST: RequestHandler = registrationEntryHandler(registrationSession);
