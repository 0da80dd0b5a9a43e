// CSV import for offices without an API: a header row naming the fields (English names as in the JSON API),
// then one candidate per row. Every row is validated; valid rows are stored, invalid ones reported by line.
import { parseCsv } from '../csv.ts';
import type { Db } from '../db/index.ts';
import { validateCandidate, type FieldProblem } from '../validation/candidate.ts';
import { ALL_PROVINCES } from '../../core/staff-roles.ts';
import { ServiceError } from './errors.ts';
import { upsertCandidate } from './registration.ts';

export const CSV_COLUMNS = [
	'idNumber',
	'name',
	'sex',
	'ethnicity',
	'birthDate',
	'address',
	'phone',
	'major',
	'examArea',
	'province',
	'admissionNumber'
] as const;

export interface ImportReport {
	created: number;
	updated: number;
	/** Each refused row: a one-line message, and every problem by field in both languages. */
	errors: { line: number; message: string; fields: FieldProblem[] }[];
	/** Stored rows with something for a reviewer (a region code no list knows). */
	notes: { line: number; idNumber: string; codes: string[] }[];
}

/** `reach`: the province the importing registration system serves (a row of another is refused by its line). */
export async function importCandidatesCsv(
	db: Db,
	text: string,
	reach: string = ALL_PROVINCES,
	actor = 'registration.csv'
): Promise<ImportReport> {
	const [header, ...rows] = parseCsv(text);
	if (!header) throw new ServiceError(400, 'empty_csv', 'CSV 文件为空', 'The CSV file is empty.');
	const names = header.map((h) => h.trim());
	const missing = CSV_COLUMNS.filter((c) => c !== 'admissionNumber' && !names.includes(c));
	if (missing.length) {
		throw new ServiceError(
			400,
			'csv_columns',
			`CSV 缺少列：${missing.join(', ')}`,
			`The CSV lacks columns: ${missing.join(', ')}`
		);
	}
	const report: ImportReport = { created: 0, updated: 0, errors: [], notes: [] };
	for (const [index, cells] of rows.entries()) {
		const line = index + 2;
		const record: Record<string, string> = {};
		names.forEach((name, i) => {
			if ((CSV_COLUMNS as readonly string[]).includes(name) && cells[i] !== undefined && cells[i] !== '')
				record[name] = cells[i];
		});
		const checked = validateCandidate(record);
		if (!checked.ok) {
			report.errors.push({
				line,
				message: checked.problems.map((p) => `${p.field}: ${p.en}`).join('; '),
				fields: checked.problems
			});
			continue;
		}
		if (checked.notes.length) {
			report.notes.push({ line, idNumber: checked.record.idNumber, codes: checked.notes.map((n) => n.code) });
		}
		try {
			const result = await upsertCandidate(db, checked.record, actor, undefined, reach);
			if (result.created) report.created++;
			else report.updated++;
		} catch (error) {
			if (!(error instanceof ServiceError)) throw error;
			report.errors.push({
				line,
				message: error.en,
				fields: [{ field: 'idNumber', code: error.code, zh: error.zh, en: error.en }]
			});
		}
	}
	return report;
}
