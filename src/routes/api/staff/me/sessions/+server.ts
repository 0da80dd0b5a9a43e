import { database } from '$lib/server/database';
import { respond } from '$lib/server/http/respond';
import { requireSignedIn } from '$lib/server/http/staff-auth';
import { endOtherSessions } from '$lib/server/services/staff-self';
import type { RequestHandler } from './$types';

/** Signs the user out on every other browser and device. */
export const DELETE: RequestHandler = (event) =>
	respond(async () => {
		const { user, token } = await requireSignedIn(event);
		const { db } = await database();
		return endOtherSessions(db, user, token);
	});
