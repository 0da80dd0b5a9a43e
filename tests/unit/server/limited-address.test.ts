// The client a rate limit counts: an IPv6 address by its /64 however a proxy writes it, an IPv4 one as itself (also
// when an IPv6 socket shows it as ::ffff:a.b.c.d, which must not put every IPv4 client in the /64 of ::).
import { describe, expect, it } from 'vitest';
import { limitedAddress } from '../../../src/lib/server/http/client.ts';

describe('limitedAddress', () => {
	it('counts an IPv6 address by its /64, in any spelling', () => {
		for (const address of ['2001:db8:64:1::5', '2001:0db8:0064:0001:0:0:0:9', '2001:db8:64:1:abcd:1:2:3'])
			expect(limitedAddress(address)).toBe('2001:db8:64:1::/64');
		expect(limitedAddress('2001:db8:64:2::1')).toBe('2001:db8:64:2::/64');
		expect(limitedAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
	});

	it('keeps an IPv4 address, and reads one mapped into IPv6 as itself', () => {
		expect(limitedAddress('198.51.100.7')).toBe('198.51.100.7');
		expect(limitedAddress('::ffff:198.51.100.7')).toBe('198.51.100.7');
		expect(limitedAddress('::ffff:c633:6407')).toBe('198.51.100.7');
		expect(limitedAddress('::ffff:198.51.100.8')).not.toBe(limitedAddress('::ffff:198.51.100.7'));
	});

	it('leaves anything else as it is', () => {
		expect(limitedAddress('unknown')).toBe('unknown');
	});
});
