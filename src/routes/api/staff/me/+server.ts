import { database } from '$lib/server/database';
import { respond } from '$lib/server/http/respond';
import { STAFF_COOKIE } from '$lib/server/http/staff-auth';
import { ServiceError } from '$lib/server/services/errors';
import { staffFromToken } from '$lib/server/services/staff';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ cookies }) =>
	respond(async () => {
		const { db } = await database();
		const user = await staffFromToken(db, cookies.get(STAFF_COOKIE));
		if (!user) throw new ServiceError(401, 'not_signed_in', '请先登录', 'Please sign in.');
		return { user };
	});
