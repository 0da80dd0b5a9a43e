import { fail } from '@sveltejs/kit';
import { todayInChina } from '$lib/core/idcard/dates';
import { checkIdNumber } from '$lib/core/idcard/number';
import { config } from '$lib/server/config';
import { nodeRegionTable } from '$lib/runtime/node-regions';
import { database } from '$lib/server/database';
import { ServiceError } from '$lib/server/services/errors';
import { startSession } from '$lib/server/services/sessions';
import type { Actions } from './$types';

export const actions: Actions = {
	start: async ({ request, cookies, url }) => {
		const typed = String((await request.formData()).get('idNumber') ?? '').trim();
		const check = checkIdNumber(typed, todayInChina(), nodeRegionTable());
		if (!check.valid) {
			return fail(400, {
				idNumber: typed,
				error: {
					zh: ['请输入18位证件号码', ...check.reasons.map((r) => r.zh)].join('：'),
					en: ['Enter your 18-character ID number', ...check.reasons.map((r) => r.en)].join(': ')
				}
			});
		}
		const idNumber = check.idNumber;
		const { db } = await database();
		try {
			const session = await startSession(db, idNumber);
			cookies.set(`zv_pc_${session.sessionId}`, session.pcSecret, {
				path: `/api/sessions/${session.sessionId}`,
				httpOnly: true,
				sameSite: 'strict',
				secure: url.protocol === 'https:',
				maxAge: 60 * 60
			});
			const origin = config.publicOrigin ?? url.origin;
			return {
				sessionId: session.sessionId,
				link: `${origin}/m/${session.token}`,
				expiresAt: session.expiresAt.toISOString()
			};
		} catch (error) {
			if (error instanceof ServiceError)
				return fail(error.status, { idNumber, error: { zh: error.zh, en: error.en } });
			throw error;
		}
	}
};
