import { database } from '$lib/server/database';
import { respond } from '$lib/server/http/respond';
import { requireRegistrationSystem } from '$lib/server/http/registration-auth';
import { importCandidatesCsv } from '$lib/server/services/csv-import';
import type { RequestHandler } from './$types';

/** POST text/csv (UTF-8, header row with the JSON field names) -> {created, updated, errors:[{line, message}]}. */
export const POST: RequestHandler = ({ request }) =>
	respond(async () => {
		const caller = requireRegistrationSystem(request);
		const { db } = await database();
		return importCandidatesCsv(db, await request.text(), caller.reach);
	});
