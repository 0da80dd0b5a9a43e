import { database } from '$lib/server/database';
import { readJsonValue, respond } from '$lib/server/http/respond';
import { requireRegistrationSystem } from '$lib/server/http/registration-auth';
import { referenceOf, requireBatchInReach, upsertCandidate } from '$lib/server/services/registration';
import {
	InvalidRecordError,
	validateCandidate,
	type CandidateInput,
	type FieldProblem
} from '$lib/server/validation/candidate';
import type { Reason } from '$lib/core/idcard/reasons';
import type { RequestHandler } from './$types';

const MAX_RECORDS = 1000;

/**
 * POST one candidate record, or {candidates: [...]} (up to 1000): creates new records and updates existing ones
 * (keyed by idNumber). A returning candidate's admissionNumber is kept. Bearer-token authenticated. Nothing is
 * stored unless every record is valid; a refusal names each problem by field (`candidates.3.birthDate`).
 * Non-blocking notes (a region code no list knows) come back with each result.
 * A record may carry its reference photo (`referencePhoto: {source, jpeg}`), which replaces the stored one. A
 * province's own system writes its province's records only (403 other_province).
 */
export const POST: RequestHandler = ({ request }) =>
	respond(async () => {
		const caller = requireRegistrationSystem(request);
		const body = (await readJsonValue(request)) as { candidates?: unknown };
		const batch = body !== null && typeof body === 'object' && 'candidates' in body;
		const inputs = batch ? body.candidates : [body];
		if (!Array.isArray(inputs) || inputs.length < 1 || inputs.length > MAX_RECORDS) {
			throw new InvalidRecordError([
				{
					field: 'candidates',
					code: 'record.batch',
					zh: `candidates 应为 1-${MAX_RECORDS} 条记录的数组`,
					en: `candidates must be an array of 1-${MAX_RECORDS} records`
				}
			]);
		}
		const records: { record: CandidateInput; notes: Reason[] }[] = [];
		const problems: FieldProblem[] = [];
		inputs.forEach((input, i) => {
			const checked = validateCandidate(input);
			if (checked.ok) records.push(checked);
			else
				problems.push(
					...checked.problems.map((p) => ({ ...p, field: batch ? `candidates.${i}.${p.field}` : p.field }))
				);
		});
		if (problems.length) throw new InvalidRecordError(problems);
		const { db } = await database();
		// Nothing is stored when a record, as sent or as stored, is of a province this system does not serve.
		await requireBatchInReach(
			db,
			caller.reach,
			records.map((r) => r.record)
		);
		const results = [];
		for (const { record, notes } of records) {
			const reference = await referenceOf(record);
			results.push({
				...(await upsertCandidate(db, record, 'registration', reference, caller.reach)),
				notes
			});
		}
		return { results };
	});
