import { error } from '@sveltejs/kit';
import { dev } from '$app/environment';
import { config } from '$lib/server/config';
import { database } from '$lib/server/database';
import type { PageServerLoad } from './$types';

/** The development SMS outbox: only under `vite dev` or with ZV_DEV_PAGES=1, never in production. */
export const load: PageServerLoad = async () => {
	if (!dev && !config.devPages) error(404, { message: 'Not found', code: 'not_found' });
	const { db } = await database();
	const messages = await db.selectFrom('sms_outbox').selectAll().orderBy('id', 'desc').limit(100).execute();
	return {
		messages: messages.map((m) => ({
			id: m.id,
			phone: m.phone,
			body: m.body,
			via: m.via,
			status: m.status,
			at: new Date(m.created_at).toISOString()
		}))
	};
};
