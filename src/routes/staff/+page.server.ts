import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import type { Db } from '$lib/server/db';
import { database } from '$lib/server/database';
import { clientAddress } from '$lib/server/http/client';
import {
	lacksSecondFactor,
	requireSignedIn,
	STAFF_COOKIE,
	setStaffCookie
} from '$lib/server/http/staff-auth';
import { ServiceError } from '$lib/server/services/errors';
import { login, logout, staffFromToken, type StaffUser } from '$lib/server/services/staff';
import {
	changeOwnPassword,
	confirmSecondFactor,
	endOtherSessions,
	pendingSecondFactor,
	removeSecondFactor,
	startSecondFactor
} from '$lib/server/services/staff-self';
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
	return {
		user,
		/** The secret being set up, shown (QR code and text) until a code confirms it. */
		pendingSecondFactor: user ? await pendingSecondFactor(db, user) : null,
		secondFactorRequired: user ? lacksSecondFactor(user) : false
	};
};

export const actions: Actions = {
	login: async (event) => {
		const form = await event.request.formData();
		const username = String(form.get('username') ?? '')
			.trim()
			.slice(0, 64);
		const password = String(form.get('password') ?? '').slice(0, 256);
		const code = String(form.get('code') ?? '').slice(0, 16);
		if (!username || !password)
			return fail(400, { username, error: { zh: '请输入用户名和密码', en: 'Enter username and password.' } });
		const { db } = await database();
		let role = '';
		let mustSetUp = false;
		try {
			const session = await login(db, username, password, clientAddress(event), new Date(), code);
			role = session.user.role;
			mustSetUp = lacksSecondFactor(session.user);
			setStaffCookie(event.cookies, session.token, session.expiresAt, event.url.protocol === 'https:');
		} catch (e) {
			if (e instanceof ServiceError) return fail(e.status, { username, error: { zh: e.zh, en: e.en } });
			throw e;
		}
		// An account that must set up its authenticator code first stays here, where it is set up.
		redirect(303, mustSetUp ? '/staff' : safeNext(event.url.searchParams.get('next'), role));
	},
	logout: async ({ cookies }) => {
		const { db } = await database();
		await logout(db, cookies.get(STAFF_COOKIE));
		cookies.delete(STAFF_COOKIE, { path: '/' });
		redirect(303, '/staff');
	},
	/** Changes the signed-in user's own password; their other sessions end. */
	password: (event) =>
		accountAction(event, async (db, user, token, form) => {
			const current = String(form.get('current') ?? '').slice(0, 256);
			const next = String(form.get('next') ?? '').slice(0, 256);
			if (next !== String(form.get('repeat') ?? '').slice(0, 256))
				throw new ServiceError(
					400,
					'repeat_mismatch',
					'两次输入的新密码不一致',
					'The two new passwords differ.'
				);
			const { endedSessions } = await changeOwnPassword(
				db,
				user,
				token,
				{ current, next },
				clientAddress(event)
			);
			return { passwordChanged: true, endedSessions };
		}),
	/** Draws a secret for an authenticator app; the page shows it until a code confirms it. */
	secondFactorSetup: (event) =>
		accountAction(event, async (db, user) => ({ secondFactorSetup: await startSecondFactor(db, user) })),
	/** Turns the authenticator code on with a code from the app; the user's other sessions end. */
	secondFactorConfirm: (event) =>
		accountAction(event, async (db, user, token, form) => ({
			secondFactorOn: true,
			...(await confirmSecondFactor(db, user, token, ownCheck(form), clientAddress(event)))
		})),
	/** Turns the authenticator code off, with the password and a current code. */
	secondFactorRemove: (event) =>
		accountAction(event, async (db, user, _token, form) => {
			await removeSecondFactor(db, user, ownCheck(form), clientAddress(event));
			return { secondFactorOff: true };
		}),
	/** Signs the user out on every other browser and device. */
	endSessions: (event) =>
		accountAction(event, async (db, user, token) => ({
			sessionsEnded: true,
			...(await endOtherSessions(db, user, token))
		}))
};

/** The current password and authenticator code an account-security form carries. */
const ownCheck = (form: FormData) => ({
	current: String(form.get('current') ?? '').slice(0, 256),
	code: String(form.get('code') ?? '').slice(0, 16)
});

/** An action on the signed-in user's own account; a refusal is shown in the account section, never a password. */
async function accountAction<T>(
	event: RequestEvent,
	run: (db: Db, user: StaffUser, token: string, form: FormData) => Promise<T>
) {
	try {
		const { user, token } = await requireSignedIn(event);
		const form = await event.request.formData();
		const { db } = await database();
		return await run(db, user, token, form);
	} catch (e) {
		if (e instanceof ServiceError)
			return fail(e.status, { accountError: { code: e.code, zh: e.zh, en: e.en } });
		throw e;
	}
}
