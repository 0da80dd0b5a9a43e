// The passwords the accounts page and an admin's reset hand over: 16 characters of an alphabet without look-alikes,
// each letter equally likely (no modulo bias from the 256 byte values over 56 letters).
import { describe, expect, it } from 'vitest';
import { generateStaffPassword, STAFF_PASSWORD_MIN } from '../../src/lib/core/staff-roles.ts';

describe('generateStaffPassword', () => {
	it('draws 16 characters without 0/O, 1/l/I, long enough for the staff rule', () => {
		for (let i = 0; i < 200; i++) {
			const password = generateStaffPassword();
			expect(password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{16}$/);
			expect(password.length).toBeGreaterThanOrEqual(STAFF_PASSWORD_MIN);
		}
	});

	it('uses every letter about equally often', () => {
		const counts = new Map<string, number>();
		const draws = 4000;
		for (let i = 0; i < draws; i++)
			for (const ch of generateStaffPassword()) counts.set(ch, (counts.get(ch) ?? 0) + 1);
		expect(counts.size).toBe(56);
		// 64,000 letters over 56: 1,143 each expected, sd ~33. Taking a byte modulo 56 would draw the first 32
		// letters 5/4 as often as the rest (1,250 against 1,000 each).
		const first = [...counts.entries()].filter(([ch]) => 'abcdefghijkmnpqrstuvwxyzABCDEFGH'.includes(ch));
		const rest = [...counts.entries()].filter(([ch]) => !'abcdefghijkmnpqrstuvwxyzABCDEFGH'.includes(ch));
		const mean = (xs: [string, number][]) => xs.reduce((a, [, n]) => a + n, 0) / xs.length;
		expect(mean(first) / mean(rest)).toBeGreaterThan(0.95);
		expect(mean(first) / mean(rest)).toBeLessThan(1.05);
	});
});
