import { fail } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { database } from '$lib/server/database';
import { ServiceError } from '$lib/server/services/errors';
import { startSession } from '$lib/server/services/sessions';
import type { Actions } from './$types';

export const actions: Actions = {
	start: async ({ request, cookies, url }) => {
		const idNumber = String((await request.formData()).get('idNumber') ?? '').trim();
		if (!/^\d{17}[\dXx]$/.test(idNumber)) {
			return fail(400, {
				idNumber,
				error: { zh: '请输入18位身份证号码', en: 'Enter your 18-character ID number.' }
			});
		}
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
