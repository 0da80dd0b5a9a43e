import { json, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { database } from '$lib/server/database';
import { connectionAddress } from '$lib/server/http/client';
import { bodyLimitFor, bodyTooLarge, limitedRequest } from '$lib/server/http/limits';
import { withClient } from '$lib/server/request-context';
import { startJobs } from '$lib/server/jobs';
import { seedAdmin } from '$lib/server/services/staff';

export const init: ServerInit = async () => {
	const { db } = await database();
	await seedAdmin(db);
	startJobs(db);
};

export const handle: Handle = ({ event, resolve }) =>
	withClient({ address: connectionAddress(event), userAgent: event.request.headers.get('user-agent') }, () =>
		handleRequest({ event, resolve })
	);

const handleRequest: Handle = async ({ event, resolve }) => {
	const length = Number(event.request.headers.get('content-length') ?? 0);
	const limit = bodyLimitFor(event.url.pathname);
	if (length > limit) {
		return json(
			bodyTooLarge(limit).toJSON(),
			// The body is not read, so the connection cannot carry another request: whatever of the body is still in
			// flight would be parsed as one. Closing it spares the client a reset on its next request.
			{ status: 413, headers: { connection: 'close' } }
		);
	}
	// The API's endpoints answer a body cut off by a limit as too large (their pages' form actions are small posts).
	if (event.url.pathname.startsWith('/api/')) event.request = limitedRequest(event.request, limit);
	const response = await resolve(event);
	// A streamed body refused as too large (limitedRequest) keeps its connection: closed with the body's rest unread,
	// the kernel resets it, and a client still sending loses the answer it was about to read (seen in CI). The
	// client stops at the answer; what it had in flight is discarded.
	// Cross-origin isolation: onnxruntime-web needs SharedArrayBuffer for its WASM threads.
	response.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	response.headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
	response.headers.set('Cross-Origin-Resource-Policy', 'same-origin');
	response.headers.set('X-Content-Type-Options', 'nosniff');
	// Not 'no-referrer': under it the browser sends `Origin: null` with a plain (script-less) form post, and
	// SvelteKit's cross-site check then refused the staff sign-in and any PC form tapped before hydration.
	// Nothing goes to another origin, which gets no referrer either way.
	response.headers.set('Referrer-Policy', 'same-origin');
	// Over HTTPS (event.url says so from ORIGIN or, behind a proxy, PROTOCOL_HEADER): browsers keep to HTTPS.
	if (event.url.protocol === 'https:') {
		response.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	}
	response.headers.set('Permissions-Policy', 'camera=(self), microphone=(self), geolocation=()');
	// Pages get their CSP from svelte.config.js (with script hashes); API answers may load nothing at all.
	if (event.url.pathname.startsWith('/api/')) {
		response.headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
		response.headers.set('Cache-Control', 'no-store');
	}
	// Pages with personal data are stored nowhere, the service worker's page cache included (it honours no-store):
	// staff pages, and the registration site's stand-in with a signed-in candidate's name and photo audit.
	if (['/staff', '/dev', '/pc'].some((prefix) => event.url.pathname.startsWith(prefix))) {
		response.headers.set('Cache-Control', 'no-store');
	}
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
