import type { RequestEvent } from '@sveltejs/kit';

/** The client address for rate limits (adapter-node honours ADDRESS_HEADER / XFF_DEPTH behind a proxy). */
export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}
