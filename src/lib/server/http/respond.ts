import { json } from '@sveltejs/kit';
import { ServiceError } from '../services/errors.ts';

/** Runs an endpoint body; a ServiceError becomes its 4xx JSON, anything else a 500 without details. */
export async function respond(body: () => Promise<unknown>, status = 200): Promise<Response> {
	try {
		return json(await body(), { status });
	} catch (error) {
		if (error instanceof ServiceError) return json(error.toJSON(), { status: error.status });
		throw error;
	}
}

/** Reads a JSON body (object or, with `allowArray`, array). */
export async function readJsonValue(request: Request): Promise<unknown> {
	try {
		return await request.json();
	} catch {
		throw new ServiceError(400, 'malformed', '请求格式不正确', 'The request body is not valid JSON.');
	}
}

export async function readJson(request: Request): Promise<Record<string, unknown>> {
	try {
		const body = await request.json();
		if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
	} catch {
		/* fall through */
	}
	throw new ServiceError(400, 'malformed', '请求格式不正确', 'The request body is not a JSON object.');
}
