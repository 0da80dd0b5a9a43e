import { database } from '$lib/server/database';
import { respond } from '$lib/server/http/respond';
import { PRE_REGISTRATION_COOKIE } from '$lib/server/http/pre-registration';
import { ServiceError } from '$lib/server/services/errors';
import { preRegistrationCandidate, uploadPreRegistrationPhoto } from '$lib/server/services/pre-registration';
import { serverUploadChecks } from '$lib/server/services/pre-registration-checks';
import type { RequestHandler } from './$types';

/**
 * POST multipart {photo} from the registration site's page, signed in by its cookie: the photo is checked at once
 * (422 with the reasons and, when one can be made, the processed photo as base64) and queued for the audit.
 */
export const POST: RequestHandler = (event) =>
	respond(async () => {
		const { db } = await database();
		const candidate = await preRegistrationCandidate(db, event.cookies.get(PRE_REGISTRATION_COOKIE));
		if (!candidate) throw new ServiceError(401, 'not_signed_in', '请先登录', 'Please sign in first.');
		const form = await event.request.formData().catch((error: unknown) => {
			// A body over the size limit (limitedRequest) is refused as that, not as a missing photo.
			if (error instanceof ServiceError) throw error;
			return null;
		});
		const file = form?.get('photo');
		if (!(file instanceof Blob) || file.size === 0)
			throw new ServiceError(400, 'photo_missing', '请选择照片文件', 'Choose a photo file.');
		const bytes = new Uint8Array(await file.arrayBuffer());
		return uploadPreRegistrationPhoto(db, candidate, bytes, serverUploadChecks, 'pc');
	});
