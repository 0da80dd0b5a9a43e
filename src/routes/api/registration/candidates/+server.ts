import * as v from 'valibot';
import { database } from '$lib/server/database';
import { readJsonValue, respond } from '$lib/server/http/respond';
import { requireRegistrationSystem } from '$lib/server/http/registration-auth';
import { parseInput } from '$lib/server/http/validate';
import { referenceOf, upsertCandidate } from '$lib/server/services/registration';
import { CandidateSchema } from '$lib/server/validation/candidate';
import type { RequestHandler } from './$types';

const Body = v.union([
	CandidateSchema,
	v.object({ candidates: v.pipe(v.array(CandidateSchema), v.minLength(1), v.maxLength(1000)) })
]);

/**
 * POST one candidate record, or {candidates: [...]} (up to 1000): creates new records and updates existing ones
 * (keyed by idNumber). A returning candidate's admissionNumber is kept. A record may carry its reference photo
 * (`referencePhoto: {source, jpeg}`), which replaces the stored one. Bearer-token authenticated.
 */
export const POST: RequestHandler = ({ request }) =>
	respond(async () => {
		requireRegistrationSystem(request);
		const body = parseInput(Body, await readJsonValue(request));
		const { db } = await database();
		const records = 'candidates' in body ? body.candidates : [body];
		const results = [];
		for (const record of records)
			results.push(await upsertCandidate(db, record, 'registration', await referenceOf(record)));
		return { results };
	});
