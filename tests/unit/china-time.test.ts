// China Standard Time, the one clock of the limits, the dashboard and the staff pages: UTC+8 all year.
import { describe, expect, it } from 'vitest';
import { chinaDay, chinaDayStart, chinaTime, startOfChinaDay } from '../../src/lib/core/china-time.ts';

describe('China time', () => {
	it('turns the day at 16:00 UTC, in winter and in summer alike', () => {
		expect(chinaDay(Date.parse('2026-12-06T15:59:59.999Z'))).toBe('2026-12-06');
		expect(chinaDay(Date.parse('2026-12-06T16:00:00Z'))).toBe('2026-12-07');
		expect(chinaDay(Date.parse('2026-07-01T16:00:00Z'))).toBe('2026-07-02');
	});

	it('gives the instant a day begins, from a day or from any instant in it', () => {
		expect(startOfChinaDay('2026-12-07').toISOString()).toBe('2026-12-06T16:00:00.000Z');
		expect(chinaDayStart(new Date('2026-12-07T03:18:00Z')).toISOString()).toBe('2026-12-06T16:00:00.000Z');
		expect(Number.isNaN(startOfChinaDay('2026-13-45').getTime())).toBe(true);
	});

	it('writes the wall-clock time to the second, or to the millisecond', () => {
		const at = new Date('2026-12-06T23:05:09.042Z');
		expect(chinaTime(at)).toBe('2026-12-07 07:05:09');
		expect(chinaTime(at, true)).toBe('2026-12-07 07:05:09.042');
	});
});
