import * as v from 'valibot';
import { database } from '$lib/server/database';
import { readJson, respond } from '$lib/server/http/respond';
import { parseInput } from '$lib/server/http/validate';
import { smsSender } from '$lib/server/sms';
import { requestSmsCode } from '$lib/server/services/sms-login';
import type { RequestHandler } from './$types';
import { IdNumberField } from '$lib/server/validation/candidate';

const Body = v.object({
	idNumber: IdNumberField
});

/** POST {idNumber} -> {sent, phone (masked), expiresAt}: a 6-digit code to the registered phone (5 an hour). */
export const POST: RequestHandler = ({ request }) =>
	respond(async () => {
		const input = parseInput(Body, await readJson(request));
		const { db } = await database();
		return requestSmsCode(db, smsSender(db), input.idNumber);
	});
