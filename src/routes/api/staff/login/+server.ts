import * as v from 'valibot';
import { database } from '$lib/server/database';
import { clientAddress } from '$lib/server/http/client';
import { readJson, respond } from '$lib/server/http/respond';
import { setStaffCookie } from '$lib/server/http/staff-auth';
import { parseInput } from '$lib/server/http/validate';
import { login } from '$lib/server/services/staff';
import type { RequestHandler } from './$types';

const Login = v.object({
	username: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(64)),
	password: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
	/** The authenticator code, for an account with a second factor. */
	code: v.optional(v.pipe(v.string(), v.maxLength(16)), '')
});

/**
 * POST {username, password, code?} -> sets the httpOnly SameSite=Strict staff cookie; answers the user and role.
 */
export const POST: RequestHandler = (event) =>
	respond(async () => {
		const input = parseInput(Login, await readJson(event.request));
		const { db } = await database();
		const session = await login(
			db,
			input.username,
			input.password,
			clientAddress(event),
			new Date(),
			input.code
		);
		setStaffCookie(event.cookies, session.token, session.expiresAt, event.url.protocol === 'https:');
		return { user: session.user, expiresAt: session.expiresAt.toISOString() };
	});
