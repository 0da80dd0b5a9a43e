import * as v from 'valibot';
import { database } from '$lib/server/database';
import { inProvince } from '$lib/server/db/province-scope';
import { readJson, respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { parseInput } from '$lib/server/http/validate';
import { createStaff, provinceOf } from '$lib/server/services/staff';
import type { RequestHandler } from './$types';

const NewUser = v.object({
	username: v.pipe(
		v.string(),
		v.trim(),
		v.regex(/^[A-Za-z0-9_.-]{3,64}$/, 'username: 3-64 letters, digits, _ . -')
	),
	role: v.picklist(['reviewer', 'kiosk', 'admin', 'office']),
	/** The province whose records the account works on, or "all" (a national admin). */
	province: v.pipe(v.string(), v.minLength(1), v.maxLength(32)),
	/** An office account limited to one exam area. */
	examArea: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
	password: v.pipe(v.string(), v.minLength(12, 'password needs at least 12 characters'), v.maxLength(256))
});

/** Admins list and create staff accounts (audited). */
export const GET: RequestHandler = (event) =>
	respond(async () => {
		const admin = await requireStaff(event, 'admin');
		const province = provinceOf(admin);
		const { db } = await database();
		const users = await db
			.selectFrom('staff_users')
			.select(['id', 'username', 'role', 'province', 'disabled', 'created_at'])
			.where((eb) => inProvince(eb, 'province', province))
			.orderBy('id')
			.execute();
		return { users };
	});

export const POST: RequestHandler = (event) =>
	respond(async () => {
		const admin = await requireStaff(event, 'admin');
		const input = parseInput(NewUser, await readJson(event.request));
		const { db } = await database();
		return { user: await createStaff(db, input, admin) };
	}, 201);
