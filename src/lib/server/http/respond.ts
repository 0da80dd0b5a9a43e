import { json } from '@sveltejs/kit';
import { ServiceError } from '../services/errors.ts';
import { parseClientJson } from './json.ts';

/** Runs an endpoint body; a ServiceError becomes its 4xx JSON, anything else a 500 without details. */
export async function respond(body: () => Promise<unknown>, status = 200): Promise<Response> {
	try {
		return json(await body(), { status });
	} catch (error) {
		if (error instanceof ServiceError) return json(error.toJSON(), { status: error.status });
		throw error;
	}
}

/** Reads a JSON body (any value), depth-checked before parsing. */
export async function readJsonValue(request: Request): Promise<unknown> {
	const text = await request.text().catch((error: unknown) => {
		// A body over the size limit (limitedRequest) is refused as that.
		if (error instanceof ServiceError) throw error;
		throw new ServiceError(400, 'malformed', '请求格式不正确', 'The request body could not be read.');
	});
	return parseClientJson(text);
}

export async function readJson(request: Request): Promise<Record<string, unknown>> {
	const body = await readJsonValue(request);
	if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
	throw new ServiceError(400, 'malformed', '请求格式不正确', 'The request body is not a JSON object.');
}
