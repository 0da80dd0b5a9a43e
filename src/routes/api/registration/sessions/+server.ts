import * as v from 'valibot';
import { database } from '$lib/server/database';
import { requireRegistrationSystem } from '$lib/server/http/registration-auth';
import { readJson, respond } from '$lib/server/http/respond';
import { ID_NUMBER } from '$lib/server/http/sign-in';
import { parseInput } from '$lib/server/http/validate';
import { registrationSession } from '$lib/server/services/entry-links';
import type { RequestHandler } from './$types';

const Body = v.object({ idNumber: ID_NUMBER });

/**
 * POST {idNumber} (bearer token) -> {sessionId, link, expiresAt}: for a candidate signed in on the registration
 * site (pc-qr), which shows `link` as a QR code. Starting one ends the candidate's earlier session.
 */
export const POST: RequestHandler = ({ request, url }) =>
	respond(async () => {
		requireRegistrationSystem(request);
		const input = parseInput(Body, await readJson(request));
		const { db } = await database();
		return registrationSession(db, input.idNumber, url.origin);
	});
