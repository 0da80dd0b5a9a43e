// Page-side gate: a staff page's load redirects to the sign-in page instead of answering 401 JSON.
import { error, redirect, type Cookies } from '@sveltejs/kit';
import { ServiceError } from '../services/errors.ts';
import type { StaffRole, StaffUser } from '../services/staff.ts';
import { requireStaff } from './staff-auth.ts';

export async function staffPage(event: { cookies: Cookies; url: URL }, role: StaffRole): Promise<StaffUser> {
	try {
		return await requireStaff(event, role);
	} catch (e) {
		if (e instanceof ServiceError && e.status === 401)
			redirect(303, `/staff?next=${encodeURIComponent(event.url.pathname)}`);
		if (e instanceof ServiceError) error(e.status, { message: e.en, code: e.code, zh: e.zh, en: e.en });
		throw e;
	}
}
