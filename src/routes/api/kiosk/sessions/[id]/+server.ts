import { database } from '$lib/server/database';
import { respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { kioskSessionStatus } from '$lib/server/services/kiosk';
import type { RequestHandler } from './$types';

/** GET -> {status, completedAt, admissionNumber}: the kiosk watches a session it started (404 for others'). */
export const GET: RequestHandler = (event) =>
	respond(async () => {
		const staff = await requireStaff(event, 'kiosk');
		const { db } = await database();
		return kioskSessionStatus(db, staff, event.params.id);
	});
