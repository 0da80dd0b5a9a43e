import { database } from '$lib/server/database';
import { readJson, respond } from '$lib/server/http/respond';
import { ServiceError } from '$lib/server/services/errors';
import { reportAttempt } from '$lib/server/services/phone-requests';
import { RATE_RULES, rateLimit } from '$lib/server/services/rate-limit';
import { isUuid } from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

/** JSON: a signed attempt report ({payload, signature, alg}); answers the failures counted and attempts left. */
export const POST: RequestHandler = (event) =>
	respond(async () => {
		const body = await readJson(event.request);
		const sessionId = (body.payload as { sessionId?: unknown } | undefined)?.sessionId;
		if (typeof sessionId !== 'string' || !isUuid(sessionId))
			throw new ServiceError(400, 'malformed', '请求缺少会话编号', 'The request names no session.');
		const { db } = await database();
		await rateLimit(db, `attempt:${sessionId}`, RATE_RULES.submit);
		return reportAttempt(db, sessionId, body);
	});
