import { database } from '$lib/server/database';
import { respond } from '$lib/server/http/respond';
import { sessionStatus } from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params, cookies }) =>
	respond(async () => {
		const { db } = await database();
		return sessionStatus(db, params.id, cookies.get(`zv_pc_${params.id}`) ?? '');
	});
