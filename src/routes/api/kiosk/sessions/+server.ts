import * as v from 'valibot';
import { config } from '$lib/server/config';
import { database } from '$lib/server/database';
import { readJson, respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { parseInput } from '$lib/server/http/validate';
import { startOnSiteSession } from '$lib/server/services/kiosk';
import type { RequestHandler } from './$types';
import { IdNumberField } from '$lib/server/validation/candidate';

const Start = v.object({
	idNumber: IdNumberField
});

/** POST {idNumber} -> {sessionId, link, expiresAt}: the same phone link the PC page shows as a QR code. */
export const POST: RequestHandler = (event) =>
	respond(async () => {
		const staff = await requireStaff(event, 'kiosk');
		const input = parseInput(Start, await readJson(event.request));
		const { db } = await database();
		const session = await startOnSiteSession(
			db,
			staff,
			input.idNumber,
			config.publicOrigin ?? event.url.origin
		);
		return { sessionId: session.sessionId, link: session.link, expiresAt: session.expiresAt };
	});
