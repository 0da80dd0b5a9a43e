// Admission numbers (准考证号): province code (GB/T 2260, 2 digits) + year (2 digits) + 8-digit sequence, e.g.
// 422600000001. One counter row per province and year; "insert ... on conflict do update ... returning" is atomic,
// so concurrent outcomes on several instances never draw the same number (and the column is unique besides).
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

export const ADMISSION_NUMBER = /^\d{12}$/;

export async function allocateAdmissionNumber(
	tx: Db,
	province: string,
	provinceCode: string,
	now: Date
): Promise<string> {
	const year = now.getUTCFullYear();
	const row = await tx
		.insertInto('admission_counters')
		.values({ province, year, next_value: 1 })
		.onConflict((oc) =>
			oc.columns(['province', 'year']).doUpdateSet({ next_value: sql`admission_counters.next_value + 1` })
		)
		.returning('next_value')
		.executeTakeFirstOrThrow();
	return `${admissionPrefix(provinceCode, now)}${String(row.next_value).padStart(8, '0')}`;
}

/** Province code and two-digit year: what precedes the counter's value (record-outcome.ts draws in SQL). */
export function admissionPrefix(provinceCode: string, now: Date): string {
	return `${provinceCode}${String(now.getUTCFullYear() % 100).padStart(2, '0')}`;
}
