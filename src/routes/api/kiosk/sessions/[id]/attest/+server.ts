import * as v from 'valibot';
import { database } from '$lib/server/database';
import { clientAddress } from '$lib/server/http/client';
import { readJson, respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { parseInput } from '$lib/server/http/validate';
import { kioskSessionStatus } from '$lib/server/services/kiosk';
import { attestOnSite } from '$lib/server/services/review';
import { isUuid, unknownSession } from '$lib/server/services/sessions';
import { confirmStaffPresent } from '$lib/server/services/staff';
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
		// A session the account does not see is unknown whatever the password, as it is to its status request.
		await kioskSessionStatus(db, staff, event.params.id);
		await confirmStaffPresent(db, staff, input.password, clientAddress(event));
		return attestOnSite(db, staff, event.params.id, input.decision, input.comment);
	});
