import { database } from '$lib/server/database';
import { staffPage } from '$lib/server/http/staff-page';
import { AUDIT_REJECT_REASONS, auditQueue } from '$lib/server/services/pre-registration';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = await staffPage(event, 'reviewer');
	const { db } = await database();
	return { staff, items: await auditQueue(db, staff), reasons: AUDIT_REJECT_REASONS };
};
