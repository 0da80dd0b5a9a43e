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
			// Masked by the queue: the case page shows it in full (and is audited).
			idNumber: c.idNumber,
			examArea: c.examArea,
			result: c.result,
			recordedAt: c.recordedAt,
			reasons: (c.reviewReasons as Message[]).map((r) => ({
				code: r.code,
				zh: r.zh,
				en: r.en
			}))
		}))
	};
};
