// The registration site's sign-in cookie of a candidate who must pre-register before a session can start.
import type { Cookies } from '@sveltejs/kit';

export const PRE_REGISTRATION_COOKIE = 'zv_prereg';

export function setPreRegistrationCookie(cookies: Cookies, token: string, secure: boolean): void {
	cookies.set(PRE_REGISTRATION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'strict',
		secure,
		maxAge: 60 * 60
	});
}

export function clearPreRegistrationCookie(cookies: Cookies): void {
	cookies.delete(PRE_REGISTRATION_COOKIE, { path: '/' });
}
