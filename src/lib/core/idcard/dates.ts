// Calendar helpers on plain 'YYYY-MM-DD' strings, so results do not depend on the device's time zone.
import { chinaDay } from '../china-time.ts';

/** True when y-m-d is a real calendar day (leap years included). */
export function isRealDate(year: number, month: number, day: number): boolean {
	if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
	if (month < 1 || month > 12 || day < 1) return false;
	const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
	const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
	return day <= days;
}

export function isoDate(year: number, month: number, day: number): string {
	return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Today as 'YYYY-MM-DD' in China Standard Time (UTC+8), the zone the card's dates are written in. */
export function todayInChina(now: Date = new Date()): string {
	return chinaDay(now.getTime());
}

/** Parses '1999-09-09', '1999.09.09', '19990909' or '1999年9月9日' into an ISO date, or null. */
export function parseLooseDate(text: string): string | null {
	const t = text.replace(/\s+/g, '');
	const m = /^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
	if (!m) return null;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	return isRealDate(y, mo, d) ? isoDate(y, mo, d) : null;
}
