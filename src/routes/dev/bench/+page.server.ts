import { error } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import type { PageServerLoad } from './$types';

// The browser benchmark page exists only where /dev pages are enabled (never in production).
export const load: PageServerLoad = () => {
	if (!config.devPages) error(404, 'Not found');
	return {};
};
