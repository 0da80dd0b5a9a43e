import * as v from 'valibot';
import { database } from '$lib/server/database';
import { readJson, respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { parseInput } from '$lib/server/http/validate';
import { decidePreRegistration, parseUploadId } from '$lib/server/services/pre-registration';

import type { RequestHandler } from './$types';

const Decision = v.variant('decision', [
	v.object({ decision: v.literal('approve') }),
	v.object({
		decision: v.literal('reject'),
		reasons: v.pipe(v.array(v.pipe(v.string(), v.maxLength(40))), v.maxLength(10)),
		note: v.optional(v.pipe(v.string(), v.maxLength(500)))
	})
]);

/** POST {decision: 'approve'} or {decision: 'reject', reasons: [code], note?} (reviewer): audited. */
export const POST: RequestHandler = (event) =>
	respond(async () => {
		const staff = await requireStaff(event, 'reviewer');
		const input = parseInput(Decision, await readJson(event.request));
		const { db } = await database();
		return decidePreRegistration(db, staff, parseUploadId(event.params.id), input);
	});
