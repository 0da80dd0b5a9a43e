import * as v from 'valibot';
import { database } from '$lib/server/database';
import { clientAddress } from '$lib/server/http/client';
import { readJson, respond } from '$lib/server/http/respond';
import { requireSignedIn } from '$lib/server/http/staff-auth';
import { parseInput } from '$lib/server/http/validate';
import { changeOwnPassword } from '$lib/server/services/staff-self';
import type { RequestHandler } from './$types';

const Passwords = v.object({
	current: v.pipe(v.string(), v.maxLength(256)),
	next: v.pipe(v.string(), v.maxLength(256))
});

/** The signed-in user changes their own password; their other sessions end. */
export const POST: RequestHandler = (event) =>
	respond(async () => {
		const { user, token } = await requireSignedIn(event);
		const passwords = parseInput(Passwords, await readJson(event.request));
		const { db } = await database();
		return changeOwnPassword(db, user, token, passwords, clientAddress(event));
	});
