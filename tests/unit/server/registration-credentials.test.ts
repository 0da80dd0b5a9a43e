// The registration systems' tokens as configured: the national one and each province's own, read from one
// variable whose mistakes must be named without printing a token.
import { describe, expect, it } from 'vitest';
import { registrationCredentials } from '../../../src/lib/server/http/registration-auth.ts';

describe('registration credentials', () => {
	it("reads the national token and each province's, spaces around entries allowed", () => {
		const found = registrationCredentials('national', ' hubei=h-token , fujian=f=token,');
		expect(found.map((c) => c.reach)).toEqual(['all', 'hubei', 'fujian']);
		expect(registrationCredentials(undefined, undefined)).toEqual([]);
	});

	it('refuses an entry without a province, a token or a known province, naming its position only', () => {
		for (const [entries, position] of [
			['hubei=ok,secret-token', 2],
			['=secret-token', 1],
			['hubei=', 1],
			['hubei=ok,atlantis=secret-token', 2]
		] as const) {
			const refusal = (() => {
				try {
					registrationCredentials(undefined, entries);
				} catch (error) {
					return error as { status: number; code: string; en: string };
				}
				return null;
			})();
			expect(refusal).toMatchObject({ status: 503, code: 'api_misconfigured' });
			expect(refusal?.en).toContain(`entry ${position} `);
			expect(refusal?.en).not.toContain('secret-token');
		}
	});
});
