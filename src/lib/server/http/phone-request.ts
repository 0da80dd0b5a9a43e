// The endpoints of the phone's signed requests (attempt, extend, review, consent, status) differ only in the
// service they call: each reads JSON, names its session, is rate-limited per session in the database, and answers
// the service.
import type { RequestEvent } from '@sveltejs/kit';
import { database } from '../database.ts';
import type { Db } from '../db/index.ts';
import { ServiceError } from '../services/errors.ts';
import { RATE_RULES, rateLimit } from '../services/rate-limit.ts';
import { isUuid } from '../services/sessions.ts';
import { readJson, respond } from './respond.ts';

export function phoneRequestHandler(
	kind: 'attempt' | 'extend' | 'review' | 'consent' | 'status',
	service: (db: Db, sessionId: string, body: unknown) => Promise<unknown>
) {
	return (event: RequestEvent) =>
		respond(async () => {
			const body = await readJson(event.request);
			const sessionId = (body.payload as { sessionId?: unknown } | undefined)?.sessionId;
			if (typeof sessionId !== 'string' || !isUuid(sessionId))
				throw new ServiceError(400, 'malformed', '请求缺少会话编号', 'The request names no session.');
			const { db } = await database();
			await rateLimit(db, `${kind}:${sessionId}`, RATE_RULES.submit);
			return service(db, sessionId, body);
		});
}
