import * as v from 'valibot';
import { database } from '$lib/server/database';
import { readJson, respond } from '$lib/server/http/respond';
import { requireStaff } from '$lib/server/http/staff-auth';
import { parseInput } from '$lib/server/http/validate';
import { ServiceError } from '$lib/server/services/errors';
import { decideReview, reviewCase } from '$lib/server/services/review';
import type { RequestHandler } from './$types';

const Decision = v.object({
	decision: v.picklist(['approve', 'reject']),
	comment: v.pipe(v.string(), v.trim(), v.minLength(1, 'a comment is required'), v.maxLength(1000))
});

const caseId = (raw: string) => {
	if (!/^\d{1,9}$/.test(raw))
		throw new ServiceError(404, 'unknown_case', '未找到审核案例', 'No such review case.');
	return Number(raw);
};

export const GET: RequestHandler = (event) =>
	respond(async () => {
		const staff = await requireStaff(event, 'reviewer');
		const { db } = await database();
		return reviewCase(db, staff, caseId(event.params.id));
	});

export const POST: RequestHandler = (event) =>
	respond(async () => {
		const staff = await requireStaff(event, 'reviewer');
		const input = parseInput(Decision, await readJson(event.request));
		const { db } = await database();
		return decideReview(db, staff, caseId(event.params.id), input.decision, input.comment);
	});
