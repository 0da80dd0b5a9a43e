import { database } from '$lib/server/database';
import { requireStaff } from '$lib/server/http/staff-auth';
import { ServiceError } from '$lib/server/services/errors';
import { parseUploadId, uploadedPhoto } from '$lib/server/services/pre-registration';
import { json } from '@sveltejs/kit';

import type { RequestHandler } from './$types';

/** GET (reviewer): the uploaded JPEG, for the officer's eyes only (each view audited, never cached). */
export const GET: RequestHandler = async (event) => {
	try {
		const staff = await requireStaff(event, 'reviewer');
		const { db } = await database();
		const jpeg = await uploadedPhoto(db, staff, parseUploadId(event.params.id));
		return new Response(jpeg as BodyInit, {
			headers: { 'content-type': 'image/jpeg', 'cache-control': 'no-store' }
		});
	} catch (error) {
		if (error instanceof ServiceError) return json(error.toJSON(), { status: error.status });
		throw error;
	}
};
