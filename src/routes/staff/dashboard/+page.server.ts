import { error } from '@sveltejs/kit';
import { dashboardFor, provincesFor } from '$lib/server/http/dashboard';
import { staffPage } from '$lib/server/http/staff-page';
import { ServiceError } from '$lib/server/services/errors';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const staff = await staffPage(event, 'office');
	try {
		return { staff, provinces: provincesFor(staff), figures: await dashboardFor(staff, event.url) };
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, { message: e.en, code: e.code, zh: e.zh, en: e.en });
		throw e;
	}
};
