import { database } from '$lib/server/database';
import { readJson, respond } from '$lib/server/http/respond';
import { ServiceError } from '$lib/server/services/errors';
import { openPhoneLink } from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ request }) =>
	respond(async () => {
		const body = await readJson(request);
		if (typeof body.token !== 'string' || typeof body.publicKey !== 'object' || body.publicKey === null) {
			throw new ServiceError(
				400,
				'malformed',
				'请求缺少链接令牌或设备公钥',
				'token and publicKey are required.'
			);
		}
		const { db } = await database();
		return openPhoneLink(db, body.token, body.publicKey as JsonWebKey);
	});
