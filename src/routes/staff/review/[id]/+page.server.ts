import { maskIdNumber } from '$lib/core/mask';
import type { Message } from '$lib/core/text';
import { error, fail, redirect } from '@sveltejs/kit';
import { database } from '$lib/server/database';
import { staffPage } from '$lib/server/http/staff-page';
import { ServiceError } from '$lib/server/services/errors';
import { decideReview, reviewCase } from '$lib/server/services/review';
import type { Actions, PageServerLoad } from './$types';

const caseId = (raw: string) => {
	if (!/^\d{1,9}$/.test(raw)) error(404, { message: 'No such review case.', code: 'unknown_case' });
	return Number(raw);
};

export const load: PageServerLoad = async (event) => {
	const staff = await staffPage(event, 'reviewer');
	const { db } = await database();
	try {
		const c = await reviewCase(db, staff, caseId(event.params.id));
		return {
			c: {
				id: c.id,
				name: c.name,
				idNumber: c.id_number,
				idNumberMasked: maskIdNumber(c.id_number),
				recordedAt: new Date(c.recorded_at).toISOString(),
				examArea: c.exam_area,
				province: c.province,
				result: c.result,
				reviewStatus: c.review_status,
				comment: c.review_comment,
				admissionNumber: c.admission_number,
				reasons: (c.review_reasons as (Message & { similarity?: number })[]).map((r) => ({
					code: r.code,
					zh: r.zh,
					en: r.en,
					similarity: r.similarity ?? null
				})),
				steps: c.steps,
				counterparts: c.counterparts,
				photo: c.photo,
				reference: c.reference,
				signature: c.signature,
				compat: c.compat
			}
		};
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, { message: e.en, code: e.code });
		throw e;
	}
};

export const actions: Actions = {
	decide: async (event) => {
		const staff = await staffPage(event, 'reviewer');
		const form = await event.request.formData();
		const decision = String(form.get('decision') ?? '');
		const comment = String(form.get('comment') ?? '')
			.trim()
			.slice(0, 1000);
		if ((decision !== 'approve' && decision !== 'reject') || !comment) {
			return fail(400, {
				error: { zh: '请选择结论并填写意见', en: 'Choose a decision and write a comment.' }
			});
		}
		const { db } = await database();
		try {
			await decideReview(db, staff, caseId(event.params.id), decision, comment);
		} catch (e) {
			if (e instanceof ServiceError) return fail(e.status, { error: { zh: e.zh, en: e.en } });
			throw e;
		}
		redirect(303, '/staff/review');
	}
};
