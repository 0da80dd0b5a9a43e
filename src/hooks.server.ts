import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { database } from '$lib/server/database';

export const init: ServerInit = async () => {
	await database();
};

export const handle: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	// Cross-origin isolation: onnxruntime-web needs SharedArrayBuffer for its WASM threads.
	response.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	response.headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
	response.headers.set('Cross-Origin-Resource-Policy', 'same-origin');
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'no-referrer');
	response.headers.set('Permissions-Policy', 'camera=(self), microphone=(self), geolocation=()');
	return response;
};

/** Clients get a reference, never a stack trace. */
export const handleError: HandleServerError = ({ error, status }) => {
	const reference = crypto.randomUUID().slice(0, 8);
	if (status >= 500) console.error(`[${reference}]`, error);
	return {
		message: status >= 500 ? `服务器内部错误 Internal error (${reference})` : 'Error',
		code: 'internal'
	};
};
