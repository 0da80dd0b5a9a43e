import { database } from '$lib/server/database';
import { respond } from '$lib/server/http/respond';
import { requireRegistrationSystem } from '$lib/server/http/registration-auth';
import { outcomeEventsSince } from '$lib/server/services/registration';
import type { RequestHandler } from './$types';

/**
 * GET ?since=<next of the last poll>&limit=<1-500> -> {events: [...], next}: poll with since=next. Events are paged
 * by the number a poll gave them (`seq`), not by `id`, so one that committed late is not passed over.
 */
export const GET: RequestHandler = ({ request, url }) =>
	respond(async () => {
		const caller = requireRegistrationSystem(request);
		const since = Math.max(0, Math.floor(Number(url.searchParams.get('since') ?? 0)) || 0);
		const limit = Math.floor(Number(url.searchParams.get('limit') ?? 100)) || 100;
		const { db } = await database();
		return outcomeEventsSince(db, since, limit, caller.reach);
	});
