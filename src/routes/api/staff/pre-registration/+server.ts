import { database } from '$lib/server/database';
import { respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { AUDIT_REJECT_REASONS, auditQueue } from '$lib/server/services/pre-registration';
import type { RequestHandler } from './$types';

/** GET (reviewer): the pre-registration photos waiting for audit, oldest first, with the rejection reasons. */
export const GET: RequestHandler = (event) =>
	respond(async () => {
		const staff = await requireStaff(event, 'reviewer');
		const { db } = await database();
		return { items: await auditQueue(db, staff), reasons: AUDIT_REJECT_REASONS };
	});
