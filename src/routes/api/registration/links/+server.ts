import * as v from 'valibot';
import { database } from '$lib/server/database';
import { requireRegistrationSystem } from '$lib/server/http/registration-auth';
import { readJson, respond } from '$lib/server/http/respond';
import { ID_NUMBER } from '$lib/server/http/sign-in';
import { parseInput } from '$lib/server/http/validate';
import { smsSender } from '$lib/server/sms';
import { sendAppLink } from '$lib/server/services/entry-links';
import type { RequestHandler } from './$types';

const Body = v.object({ idNumber: ID_NUMBER });

/** POST {idNumber} (bearer token) -> {sent, sessionId, phone (masked), expiresAt}: the one-time link goes by SMS (app-link). */
export const POST: RequestHandler = ({ request, url }) =>
	respond(async () => {
		requireRegistrationSystem(request);
		const input = parseInput(Body, await readJson(request));
		const { db } = await database();
		return sendAppLink(db, smsSender(db), input.idNumber, url.origin);
	});
