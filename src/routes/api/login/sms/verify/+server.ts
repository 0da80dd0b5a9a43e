import * as v from 'valibot';
import { config } from '$lib/server/config';
import { database } from '$lib/server/database';
import { clientAddress } from '$lib/server/http/client';
import { readJson, respond } from '$lib/server/http/respond';
import { CODE, ID_NUMBER, PHONE, PURPOSE } from '$lib/server/http/sign-in';
import { parseInput } from '$lib/server/http/validate';
import { verifySmsCode } from '$lib/server/services/sms-login';
import type { RequestHandler } from './$types';

const Body = v.object({ idNumber: ID_NUMBER, phone: PHONE, code: CODE, purpose: PURPOSE });

/** POST {idNumber, phone, code, purpose?} -> {sessionId, link, expiresAt}: the phone continues at `link`. */
export const POST: RequestHandler = (event) =>
	respond(async () => {
		const { code, ...typed } = parseInput(Body, await readJson(event.request));
		const { db } = await database();
		const session = await verifySmsCode(db, { ...typed, client: clientAddress(event) }, code);
		return {
			sessionId: session.sessionId,
			link: `${config.publicOrigin ?? event.url.origin}/m/${session.token}`,
			expiresAt: session.expiresAt.toISOString()
		};
	});
