import * as v from 'valibot';
import { database } from '$lib/server/database';
import { requireRegistrationSystem } from '$lib/server/http/registration-auth';
import { readJson, respond } from '$lib/server/http/respond';
import { ID_NUMBER } from '$lib/server/http/sign-in';
import { parseInput } from '$lib/server/http/validate';
import { findCandidateByIdNumber } from '$lib/server/services/candidate-lookup';
import { preRegistrationState, uploadPreRegistrationPhoto } from '$lib/server/services/pre-registration';
import { requireRegistrationProvince } from '$lib/server/services/registration';
import { serverUploadChecks } from '$lib/server/services/pre-registration-checks';
import type { RequestHandler } from './$types';

const Upload = v.object({
	idNumber: ID_NUMBER,
	jpeg: v.pipe(v.string(), v.maxLength(1_400_000), v.regex(/^[A-Za-z0-9+/]+={0,2}$/, 'jpeg must be base64'))
});

/**
 * POST {idNumber, jpeg (base64)} (bearer token): a real registration site's upload of a candidate's pre-registration
 * photo, checked and queued exactly as the stand-in page's (422 with the reasons and a processed photo).
 */
export const POST: RequestHandler = ({ request }) =>
	respond(async () => {
		const caller = requireRegistrationSystem(request);
		const input = parseInput(Upload, await readJson(request));
		const { db } = await database();
		const candidate = await findCandidateByIdNumber(db, input.idNumber);
		requireRegistrationProvince(caller.reach, candidate.province);
		const bytes = new Uint8Array(Buffer.from(input.jpeg, 'base64'));
		return uploadPreRegistrationPhoto(db, candidate, bytes, serverUploadChecks, 'registration');
	});

/** GET ?idNumber= (bearer token): the audit state the candidate sees (status, reasons, today's uploads). */
export const GET: RequestHandler = ({ request, url }) =>
	respond(async () => {
		const caller = requireRegistrationSystem(request);
		const idNumber = parseInput(v.object({ idNumber: ID_NUMBER }), {
			idNumber: url.searchParams.get('idNumber') ?? ''
		}).idNumber;
		const { db } = await database();
		const candidate = await findCandidateByIdNumber(db, idNumber);
		requireRegistrationProvince(caller.reach, candidate.province);
		return preRegistrationState(db, candidate);
	});
