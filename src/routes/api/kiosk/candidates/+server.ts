import { database } from '$lib/server/database';
import { respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { searchCandidates } from '$lib/server/services/kiosk';
import type { RequestHandler } from './$types';

/** GET ?q=<full 18-character ID number> -> that candidate (or none). Kiosk operators only. */
export const GET: RequestHandler = (event) =>
	respond(async () => {
		const staff = await requireStaff(event, 'kiosk');
		const { db } = await database();
		return {
			candidates: await searchCandidates(db, staff, (event.url.searchParams.get('q') ?? '').slice(0, 64))
		};
	});
