// The registration system's session starts for one candidate (bearer token, {idNumber}): the QR link (pc-qr) and
// the link by SMS (app-link) differ only in the service they call.
import type { RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { database } from '../database.ts';
import type { Db } from '../db/index.ts';
import { findCandidateByIdNumber } from '../services/candidate-lookup.ts';
import { requireRegistrationProvince } from '../services/registration.ts';
import { requireRegistrationSystem } from './registration-auth.ts';
import { readJson, respond } from './respond.ts';
import { ID_NUMBER } from './sign-in.ts';
import { parseInput } from './validate.ts';

const Body = v.object({ idNumber: ID_NUMBER });

export function registrationEntryHandler(
	service: (db: Db, idNumber: string, origin: string) => Promise<unknown>
) {
	return ({ request, url }: RequestEvent) =>
		respond(async () => {
			const caller = requireRegistrationSystem(request);
			const input = parseInput(Body, await readJson(request));
			const { db } = await database();
			requireRegistrationProvince(caller.reach, (await findCandidateByIdNumber(db, input.idNumber)).province);
			return service(db, input.idNumber, url.origin);
		});
}
