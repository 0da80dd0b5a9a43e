import * as v from 'valibot';
import { database } from '$lib/server/database';
import { clientAddress } from '$lib/server/http/client';
import { readJson, respond } from '$lib/server/http/respond';
import { ID_NUMBER, PHONE, PURPOSE } from '$lib/server/http/sign-in';
import { parseInput } from '$lib/server/http/validate';
import { smsSender } from '$lib/server/sms';
import { requestSmsCode } from '$lib/server/services/sms-login';
import type { RequestHandler } from './$types';

const Body = v.object({ idNumber: ID_NUMBER, phone: PHONE, purpose: PURPOSE });

/**
 * POST {idNumber, phone, purpose?} -> {sent, phone (masked), expiresAt, resendAfterSeconds}: a 6-digit code to the
 * phone when both match a registration whose province offers this sign-in. The answer is the same either way.
 */
export const POST: RequestHandler = (event) =>
	respond(async () => {
		const input = parseInput(Body, await readJson(event.request));
		const { db } = await database();
		return requestSmsCode(db, smsSender(db), { ...input, client: clientAddress(event) });
	});
