import * as v from 'valibot';
import { STAFF_PASSWORD_MIN, STAFF_ROLES, STAFF_USERNAME_PATTERN } from '$lib/core/staff-roles';
import { database } from '$lib/server/database';
import { readJson, respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { parseInput } from '$lib/server/http/validate';
import { createStaff } from '$lib/server/services/staff';
import { listStaff } from '$lib/server/services/staff-accounts';
import type { RequestHandler } from './$types';

const NewUser = v.object({
	username: v.pipe(
		v.string(),
		v.trim(),
		v.regex(STAFF_USERNAME_PATTERN, 'username: 3-64 letters, digits, _ . -')
	),
	role: v.picklist(STAFF_ROLES),
	/** The province whose records the account works on, or "all" (a national admin). */
	province: v.pipe(v.string(), v.minLength(1), v.maxLength(32)),
	/** An office account limited to one exam area. */
	examArea: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
	password: v.pipe(
		v.string(),
		v.minLength(STAFF_PASSWORD_MIN, `password needs at least ${STAFF_PASSWORD_MIN} characters`),
		v.maxLength(256)
	)
});

/** Admins list and create staff accounts (audited). */
export const GET: RequestHandler = (event) =>
	respond(async () => {
		const admin = await requireStaff(event, 'admin');
		const { db } = await database();
		return { users: await listStaff(db, admin) };
	});

export const POST: RequestHandler = (event) =>
	respond(async () => {
		const admin = await requireStaff(event, 'admin');
		const input = parseInput(NewUser, await readJson(event.request));
		const { db } = await database();
		return { user: await createStaff(db, input, admin) };
	}, 201);
