// Admission numbers (准考证号): province code (GB/T 2260, 2 digits) + year (2 digits) + 8-digit sequence, e.g.
// 422600000001. One counter row per province and year, drawn only by recordOutcome (record-outcome.ts) with
// "insert ... on conflict do update ... returning", which is atomic: concurrent outcomes on several instances never
// draw the same number (and the column is unique besides).

export const ADMISSION_NUMBER = /^\d{12}$/;

/** Province code and two-digit year: what precedes the counter's value. */
export function admissionPrefix(provinceCode: string, now: Date): string {
	return `${provinceCode}${String(now.getUTCFullYear() % 100).padStart(2, '0')}`;
}
