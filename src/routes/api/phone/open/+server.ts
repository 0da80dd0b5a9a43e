import * as v from 'valibot';
import { database } from '$lib/server/database';
import { clientAddress } from '$lib/server/http/client';
import { readJson, respond } from '$lib/server/http/respond';
import { parseInput } from '$lib/server/http/validate';
import { ServiceError } from '$lib/server/services/errors';
import { RATE_RULES, rateLimit } from '$lib/server/services/rate-limit';
import { openPhoneLink } from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

const b64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
const Open = v.object({
	token: v.pipe(v.string(), v.minLength(16), v.maxLength(128)),
	publicKey: v.object({ kty: v.literal('EC'), crv: v.literal('P-256'), x: b64, y: b64 }),
	/** The token signed with that key: the same phone opening again after losing the first answer. */
	proof: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{86}$/)))
});

export const POST: RequestHandler = (event) =>
	respond(async () => {
		const body = await readJson(event.request);
		if (typeof body.token !== 'string' || typeof body.publicKey !== 'object' || body.publicKey === null) {
			throw new ServiceError(
				400,
				'malformed',
				'请求缺少链接令牌或设备公钥',
				'token and publicKey are required.'
			);
		}
		const input = parseInput(Open, body);
		const { db } = await database();
		await rateLimit(db, `open:${clientAddress(event)}`, RATE_RULES.open);
		return openPhoneLink(db, input.token, input.publicKey, new Date(), input.proof);
	});
