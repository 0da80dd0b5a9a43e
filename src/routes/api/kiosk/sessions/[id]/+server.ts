import { database } from '$lib/server/database';
import { inProvince } from '$lib/server/db/province-scope';
import { respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { ServiceError } from '$lib/server/services/errors';
import { isUuid, shownStatusOf } from '$lib/server/services/sessions';
import { awaitingSweep } from '$lib/server/services/sweep-state';
import { sql } from 'kysely';
import { provinceOf } from '$lib/server/services/staff';
import type { RequestHandler } from './$types';

/** GET -> {status, completedAt, admissionNumber}: the kiosk watches a session it started (404 for others'). */
export const GET: RequestHandler = (event) =>
	respond(async () => {
		const staff = await requireStaff(event, 'kiosk');
		const notFound = new ServiceError(
			404,
			'unknown_session',
			'未找到确认会话',
			'No such confirmation session.'
		);
		if (!isUuid(event.params.id)) throw notFound;
		const province = provinceOf(staff);
		const { db } = await database();
		const row = await db
			.selectFrom('verification_sessions')
			.leftJoin('outcomes', 'outcomes.session_id', 'verification_sessions.id')
			.select([
				'verification_sessions.status',
				'verification_sessions.completed_at',
				'outcomes.admission_number',
				'outcomes.review_status',
				awaitingSweep(sql.ref('outcomes.id')).as('awaiting_sweep')
			])
			.where('verification_sessions.id', '=', event.params.id)
			// An operator sees only the sessions they started (an admin sees all).
			.$if(staff.role !== 'admin', (q) => q.where('verification_sessions.started_by', '=', staff.id))
			.where((eb) => inProvince(eb, 'verification_sessions.province', province))
			.executeTakeFirst();
		if (!row) throw notFound;
		// The status the candidate's own PC is shown: confirmed only once the duplicate sweep has cleared it.
		return {
			status: shownStatusOf(row),
			completedAt: row.completed_at,
			admissionNumber: row.admission_number
		};
	});
