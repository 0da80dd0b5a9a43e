// requireStaff(event, role): the gate for /staff pages, kiosk pages and staff APIs.
import type { Cookies } from '@sveltejs/kit';
import { database } from '../database.ts';
import { ServiceError } from '../services/errors.ts';
import { hasRole, staffFromToken, type StaffRole, type StaffUser } from '../services/staff.ts';

export const STAFF_COOKIE = 'zv_staff';

interface StaffEvent {
	cookies: Cookies;
	locals?: { staff?: StaffUser | null };
}

/** The signed-in staff user, whatever the role, with the session's token; or a 401 ServiceError. */
export async function requireSignedIn(event: StaffEvent): Promise<{ user: StaffUser; token: string }> {
	const { db } = await database();
	const token = event.cookies.get(STAFF_COOKIE);
	const user = await staffFromToken(db, token);
	if (!user || !token) throw new ServiceError(401, 'not_signed_in', '请先登录', 'Please sign in.');
	return { user, token };
}

/** The signed-in staff user with `role` (admins pass every role), or a 401/403 ServiceError. */
export async function requireStaff(event: StaffEvent, role: StaffRole): Promise<StaffUser> {
	const { user } = await requireSignedIn(event);
	if (!hasRole(user, role))
		throw new ServiceError(403, 'forbidden', '没有权限', 'Your role does not allow this.');
	return user;
}

export function setStaffCookie(cookies: Cookies, token: string, expiresAt: Date, secure: boolean): void {
	cookies.set(STAFF_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'strict',
		secure,
		expires: expiresAt
	});
}
