// requireStaff(event, role): the gate for /staff pages, kiosk pages and staff APIs.
import type { Cookies } from '@sveltejs/kit';
import { config } from '../config.ts';
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

/** Whether the account's role must have an authenticator code (ZV_STAFF_SECOND_FACTOR_ROLES) and it has none. */
export const lacksSecondFactor = (user: StaffUser): boolean =>
	config.staffSecondFactorRoles.includes(user.role) && !user.secondFactor;

/**
 * The signed-in staff user with `role` (admins pass every role), or a 401/403 ServiceError. An account that must
 * have an authenticator code and has none is refused its work until it sets one up: only the /staff page's own
 * account section (requireSignedIn) stays open to it.
 */
export async function requireStaff(event: StaffEvent, role: StaffRole): Promise<StaffUser> {
	const { user } = await requireSignedIn(event);
	if (lacksSecondFactor(user))
		throw new ServiceError(
			403,
			'second_factor_required',
			'此账号须启用动态验证码：请在 /staff 页面的“账号安全”中设置',
			'This account needs an authenticator code: set it up under "Account security" on /staff.'
		);
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
