import { database } from '$lib/server/database';
import { respond } from '$lib/server/http/respond';
import { STAFF_COOKIE } from '$lib/server/http/staff-auth';
import { logout } from '$lib/server/services/staff';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ cookies }) =>
	respond(async () => {
		const { db } = await database();
		await logout(db, cookies.get(STAFF_COOKIE));
		cookies.delete(STAFF_COOKIE, { path: '/' });
		return { ok: true };
	});
