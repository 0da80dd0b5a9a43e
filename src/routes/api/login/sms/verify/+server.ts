import * as v from 'valibot';
import { config } from '$lib/server/config';
import { database } from '$lib/server/database';
import { readJson, respond } from '$lib/server/http/respond';
import { parseInput } from '$lib/server/http/validate';
import { verifySmsCode } from '$lib/server/services/sms-login';
import type { RequestHandler } from './$types';
import { IdNumberField } from '$lib/server/validation/candidate';

const Body = v.object({
	idNumber: IdNumberField,
	code: v.pipe(v.string(), v.regex(/^\d{6}$/, 'code must be 6 digits'))
});

/** POST {idNumber, code} -> {sessionId, link, expiresAt}: the phone continues at `link`. */
export const POST: RequestHandler = ({ request, url }) =>
	respond(async () => {
		const input = parseInput(Body, await readJson(request));
		const { db } = await database();
		const session = await verifySmsCode(db, input.idNumber, input.code);
		return {
			sessionId: session.sessionId,
			link: `${config.publicOrigin ?? url.origin}/m/${session.token}`,
			expiresAt: session.expiresAt.toISOString()
		};
	});
