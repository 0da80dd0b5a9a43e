import { database } from '$lib/server/database';
import { respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { reviewQueue } from '$lib/server/services/review';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	respond(async () => {
		const staff = await requireStaff(event, 'reviewer');
		const { db } = await database();
		return { cases: await reviewQueue(db, staff) };
	});
