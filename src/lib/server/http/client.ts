import { isIPv6 } from 'node:net';
import type { RequestEvent } from '@sveltejs/kit';

/** The client's address as given (adapter-node honours ADDRESS_HEADER / XFF_DEPTH behind a proxy): audit rows. */
export function connectionAddress(event: Pick<RequestEvent, 'getClientAddress'>): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}

/** The eight 16-bit groups of a valid IPv6 address (`::` and a dotted IPv4 tail expanded). */
function ipv6Groups(address: string): number[] {
	const groups = (text: string) =>
		text === ''
			? []
			: text.split(':').flatMap((part) => {
					if (!part.includes('.')) return [parseInt(part, 16)];
					const [a, b, c, d] = part.split('.').map(Number);
					return [(a << 8) | b, (c << 8) | d];
				});
	const [left, right] = address.split('::');
	if (right === undefined) return groups(left);
	const head = groups(left);
	const tail = groups(right);
	return [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/**
 * The client a rate limit counts: its address, an IPv6 one by its /64. A host is given a whole /64 (a phone on a
 * mobile network, a rented server) and can send from any address in it, so counting addresses one by one gave it
 * 2^64 limits. An IPv4 address seen through an IPv6 socket (`::ffff:a.b.c.d`) is that IPv4 address.
 */
export function limitedAddress(address: string): string {
	const bare = address.split('%')[0];
	if (!isIPv6(bare)) return address;
	const g = ipv6Groups(bare);
	if (g.slice(0, 5).every((group) => group === 0) && g[5] === 0xffff)
		return [g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff].join('.');
	return `${g
		.slice(0, 4)
		.map((group) => group.toString(16))
		.join(':')}::/64`;
}

/** The client address for rate limits (limitedAddress of the connection's). */
export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string {
	return limitedAddress(connectionAddress(event));
}
