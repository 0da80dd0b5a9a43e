import * as v from 'valibot';
import { database } from '$lib/server/database';
import { readJson, respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { parseInput } from '$lib/server/http/validate';
import { updateStaff } from '$lib/server/services/staff-accounts';
import type { RequestHandler } from './$types';

const Change = v.object({
	province: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(32))),
	disabled: v.optional(v.boolean()),
	password: v.optional(v.pipe(v.string(), v.maxLength(256))),
	clearSecondFactor: v.optional(v.boolean())
});

/**
 * An admin moves an account to another province, disables / enables it, sets its password or turns its
 * authenticator code off (audited; its sessions end).
 */
export const PATCH: RequestHandler = (event) =>
	respond(async () => {
		const admin = await requireStaff(event, 'admin');
		const id = Number(event.params.id);
		const change = parseInput(Change, await readJson(event.request));
		const { db } = await database();
		return { user: await updateStaff(db, Number.isSafeInteger(id) ? id : -1, change, admin) };
	});
