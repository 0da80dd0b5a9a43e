import { dashboardFor } from '$lib/server/http/dashboard';
import { respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import type { RequestHandler } from './$types';

/** The dashboard's figures as JSON (the page polls it): ?province=&area=&from=YYYY-MM-DD&to=YYYY-MM-DD. */
export const GET: RequestHandler = (event) =>
	respond(async () => dashboardFor(await requireStaff(event, 'office'), event.url));
