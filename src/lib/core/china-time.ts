// China Standard Time: UTC+8 all year, no daylight saving. The day a limit counts in (Beijing's photo uploads reset
// at local midnight), the dashboard's days and hours and the times staff read are all on this one clock.
const OFFSET_MS = 8 * 3_600_000;

/** The instant as China's wall-clock time, `YYYY-MM-DD HH:MM:SS` (`.mmm` too with `ms`). */
export function chinaTime(at: Date, ms = false): string {
	return new Date(at.getTime() + OFFSET_MS)
		.toISOString()
		.slice(0, ms ? 23 : 19)
		.replace('T', ' ');
}

/** The calendar day in China (YYYY-MM-DD) of the instant `at` (ms since the epoch). */
export function chinaDay(at: number): string {
	return chinaTime(new Date(at)).slice(0, 10);
}

/** The instant a China calendar day (YYYY-MM-DD) begins; an invalid day gives an invalid Date. */
export function startOfChinaDay(day: string): Date {
	return new Date(`${day}T00:00:00+08:00`);
}

/** The instant the China-time day of `now` began (00:00 UTC+8). */
export function chinaDayStart(now: Date): Date {
	return startOfChinaDay(chinaDay(now.getTime()));
}
