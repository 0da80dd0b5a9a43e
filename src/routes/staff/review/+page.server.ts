import { maskIdNumber } from '$lib/core/mask';
import type { Message } from '$lib/core/text';
import { database } from '$lib/server/database';
import { staffPage } from '$lib/server/http/staff-page';
import { reviewQueue } from '$lib/server/services/review';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = await staffPage(event, 'reviewer');
	const { db } = await database();
	const cases = await reviewQueue(db, staff);
	return {
		staff,
		cases: cases.map((c) => ({
			id: c.id,
			name: c.name,
			// The queue shows only the start and end of the ID number; the case page shows it in full (and is audited).
			idNumber: maskIdNumber(c.id_number),
			examArea: c.exam_area,
			result: c.result,
			recordedAt: new Date(c.recorded_at).toISOString(),
			reasons: (c.review_reasons as Message[]).map((r) => ({
				code: r.code,
				zh: r.zh,
				en: r.en
			}))
		}))
	};
};
