import { fail, redirect } from '@sveltejs/kit';
import { database } from '$lib/server/database';
import { clientAddress } from '$lib/server/http/client';
import { STAFF_COOKIE, setStaffCookie } from '$lib/server/http/staff-auth';
import { ServiceError } from '$lib/server/services/errors';
import { login, logout, staffFromToken } from '$lib/server/services/staff';
import type { Actions, PageServerLoad } from './$types';

/** Where a role starts when no page was asked for: an office account on the dashboard, the others at the queue. */
const safeNext = (next: string | null, role: string) =>
	next && /^\/(staff|kiosk)(\/|$)/.test(next)
		? next
		: role === 'office'
			? '/staff/dashboard'
			: '/staff/review';

export const load: PageServerLoad = async ({ cookies }) => {
	const { db } = await database();
	const user = await staffFromToken(db, cookies.get(STAFF_COOKIE));
	return { user };
};

export const actions: Actions = {
	login: async (event) => {
		const form = await event.request.formData();
		const username = String(form.get('username') ?? '')
			.trim()
			.slice(0, 64);
		const password = String(form.get('password') ?? '').slice(0, 256);
		if (!username || !password)
			return fail(400, { username, error: { zh: '请输入用户名和密码', en: 'Enter username and password.' } });
		const { db } = await database();
		let role = '';
		try {
			const session = await login(db, username, password, clientAddress(event));
			role = session.user.role;
			setStaffCookie(event.cookies, session.token, session.expiresAt, event.url.protocol === 'https:');
		} catch (e) {
			if (e instanceof ServiceError) return fail(e.status, { username, error: { zh: e.zh, en: e.en } });
			throw e;
		}
		redirect(303, safeNext(event.url.searchParams.get('next'), role));
	},
	logout: async ({ cookies }) => {
		const { db } = await database();
		await logout(db, cookies.get(STAFF_COOKIE));
		cookies.delete(STAFF_COOKIE, { path: '/' });
		redirect(303, '/staff');
	}
};
