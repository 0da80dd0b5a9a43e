// Request size limits per route, checked from Content-Length before a body is read, and counted as it is read for a
// body sent without a length (adapter-node's BODY_SIZE_LIMIT caps every body as well).
import { ServiceError } from '../services/errors.ts';
import { config } from '../config.ts';

const KIB = 1024;

export function bodyLimitFor(pathname: string): number {
	// The phone's bundle with its photo, and the registration site's pre-registration photo.
	if (pathname === '/api/phone/submit' || pathname === '/api/pre-registration/photo')
		return config.maxBodyBytes;
	if (pathname.startsWith('/api/registration/')) return 5 * 1024 * KIB;
	return 64 * KIB;
}

/** The refusal of a body over the limit (null: the adapter's BODY_SIZE_LIMIT, whose figure is not ours). */
export const bodyTooLarge = (limit: number | null) =>
	new ServiceError(
		413,
		'too_large',
		'请求内容过大',
		limit === null ? 'The request body is too large.' : `The request body exceeds ${limit} bytes.`
	);

/**
 * The request with a body that fails, as it is read, with `bodyTooLarge` past `limit` bytes or when the adapter
 * cuts it off: else a multipart or JSON parser reports the cut body as malformed, and the client is told the wrong
 * thing.
 */
export function limitedRequest(request: Request, limit: number): Request {
	if (!request.body) return request;
	const reader = request.body.getReader();
	let read = 0;
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { done, value } = await reader.read();
				if (done) return controller.close();
				read += value.byteLength;
				// The rest is left unread (cancelling would reset the connection before the answer is sent).
				if (read > limit) return controller.error(bodyTooLarge(limit));
				controller.enqueue(value);
			} catch (error) {
				controller.error((error as { status?: number }).status === 413 ? bodyTooLarge(null) : error);
			}
		},
		cancel: (reason) => reader.cancel(reason)
	});
	return new Request(request, { body, duplex: 'half' } as RequestInit);
}
