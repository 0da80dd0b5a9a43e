import * as v from 'valibot';
import { database } from '$lib/server/database';
import { clientAddress } from '$lib/server/http/client';
import { readJson, respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { parseInput } from '$lib/server/http/validate';
import { attestAtDesk } from '$lib/server/services/kiosk';
import { isUuid, unknownSession } from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

const Attest = v.object({
	decision: v.picklist(['confirmed', 'rejected']),
	comment: v.optional(v.pipe(v.string(), v.maxLength(1000)), ''),
	// Absent: refused as a wrong password is (staff_password_required), not as a malformed request.
	password: v.optional(v.pipe(v.string(), v.maxLength(256)), '')
});

/**
 * POST {decision: "confirmed"|"rejected", comment, password} -> the operator attests the candidate in person,
 * typing their own password again: the tablet's cookie alone may be a candidate left at the desk.
 */
export const POST: RequestHandler = (event) =>
	respond(async () => {
		const staff = await requireStaff(event, 'kiosk');
		if (!isUuid(event.params.id)) throw unknownSession();
		const input = parseInput(Attest, await readJson(event.request));
		const { db } = await database();
		return attestAtDesk(db, staff, event.params.id, input, clientAddress(event));
	});
