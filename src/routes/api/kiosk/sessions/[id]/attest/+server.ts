import * as v from 'valibot';
import { database } from '$lib/server/database';
import { readJson, respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { parseInput } from '$lib/server/http/validate';
import { attestOnSite } from '$lib/server/services/review';
import { isUuid, unknownSession } from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

const Attest = v.object({
	decision: v.picklist(['confirmed', 'rejected']),
	comment: v.optional(v.pipe(v.string(), v.maxLength(1000)), '')
});

/** POST {decision: "confirmed"|"rejected", comment} -> the operator attests the candidate in person. */
export const POST: RequestHandler = (event) =>
	respond(async () => {
		const staff = await requireStaff(event, 'kiosk');
		if (!isUuid(event.params.id)) throw unknownSession();
		const input = parseInput(Attest, await readJson(event.request));
		const { db } = await database();
		return attestOnSite(db, staff, event.params.id, input.decision, input.comment);
	});
