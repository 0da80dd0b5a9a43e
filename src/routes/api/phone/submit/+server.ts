import { database } from '$lib/server/database';
import { parseClientJson } from '$lib/server/http/json';
import { respond } from '$lib/server/http/respond';
import { ServiceError } from '$lib/server/services/errors';
import { RATE_RULES } from '$lib/server/services/rate-limit';
import { submitBundle } from '$lib/server/services/submit';
import { EVIDENCE_FRAMES, MAX_EVIDENCE_CROPS } from '$lib/core/liveness/evidence';
import type { RequestHandler } from './$types';

const MAX_FILE_BYTES = 512 * 1024;

/**
 * multipart/form-data: `bundle` (signed JSON), optional `photo` (JPEG) and `signature` (PNG), and the liveness
 * evidence crops (`evidence`, repeated, in the bundle's order) of a province that asks for them. Nothing else.
 */
export const POST: RequestHandler = (event) =>
	respond(async () => {
		const { request } = event;
		const form = await request.formData().catch((error: unknown) => {
			// A body over the size limit (limitedRequest) is refused as that.
			if (error instanceof ServiceError) throw error;
			throw new ServiceError(400, 'malformed', '请求格式不正确', 'Expected multipart/form-data.');
		});
		const allowed = new Set(['bundle', 'photo', 'signature', 'evidence']);
		for (const key of form.keys()) {
			if (!allowed.has(key)) {
				throw new ServiceError(
					400,
					'field_not_accepted',
					`服务器不接收“${key}”：证件图像和视频只留在手机上`,
					`"${key}" is not accepted: ID images and video stay on the phone.`
				);
			}
		}
		const bundle = parseClientJson(String(form.get('bundle') ?? ''));
		const file = async (name: string) => {
			const value = form.get(name);
			if (!(value instanceof File)) return undefined;
			if (value.size > MAX_FILE_BYTES)
				throw new ServiceError(413, 'too_large', '文件过大', `${name} is too large.`);
			return new Uint8Array(await value.arrayBuffer());
		};
		const crops = form.getAll('evidence');
		if (crops.length > MAX_EVIDENCE_CROPS)
			throw new ServiceError(400, 'too_many_files', '文件过多', 'Too many evidence files.');
		const evidence: Uint8Array[] = [];
		for (const crop of crops) {
			if (!(crop instanceof File) || crop.size > EVIDENCE_FRAMES.maxBytes)
				throw new ServiceError(413, 'too_large', '活体检测画面过大', 'An evidence frame is too large.');
			evidence.push(new Uint8Array(await crop.arrayBuffer()));
		}
		const sessionId = (bundle as { payload?: { sessionId?: unknown } })?.payload?.sessionId;
		if (typeof sessionId !== 'string')
			throw new ServiceError(400, 'malformed', '结果数据缺少会话编号', 'The bundle names no session.');
		const { db } = await database();
		// The submission limit is counted by the session read (one statement fewer per submission).
		return submitBundle(
			db,
			sessionId,
			{ bundle, photo: await file('photo'), signature: await file('signature'), evidence },
			new Date(),
			{ rateLimit: RATE_RULES.submit }
		);
	});
