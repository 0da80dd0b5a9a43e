import * as v from 'valibot';
import { database } from '$lib/server/database';
import { readJson, respond } from '$lib/server/http/respond';
import { ID_NUMBER } from '$lib/server/http/sign-in';
import { requireStaff } from '$lib/server/http/staff-auth';
import { parseInput } from '$lib/server/http/validate';
import { resetAttempts } from '$lib/server/services/limits';
import type { RequestHandler } from './$types';

const Body = v.object({
	idNumber: ID_NUMBER,
	reason: v.pipe(v.string(), v.trim(), v.minLength(2, 'a reason is required'), v.maxLength(500))
});

/** POST {idNumber, reason} -> {idNumber, failures}: a reviewer gives the candidate their online attempts back (audited). */
export const POST: RequestHandler = (event) =>
	respond(async () => {
		const staff = await requireStaff(event, 'reviewer');
		const input = parseInput(Body, await readJson(event.request));
		const { db } = await database();
		return resetAttempts(db, staff, input.idNumber, input.reason);
	});
