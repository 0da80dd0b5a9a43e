import { respond } from '$lib/server/http/respond';
import { requireSignedIn } from '$lib/server/http/staff-auth';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	respond(async () => ({ user: (await requireSignedIn(event)).user }));
