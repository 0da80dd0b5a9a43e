// CSV import for offices without an API: a header row naming the fields (English names as in the JSON API),
// then one candidate per row. Every row is validated; valid rows are stored, invalid ones reported by line.
import * as v from 'valibot';
import { parseCsv } from '../csv.ts';
import type { Db } from '../db/index.ts';
import { CandidateSchema } from '../validation/candidate.ts';
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
	errors: { line: number; message: string }[];
}

export async function importCandidatesCsv(
	db: Db,
	text: string,
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
	const report: ImportReport = { created: 0, updated: 0, errors: [] };
	for (const [index, cells] of rows.entries()) {
		const line = index + 2;
		const record: Record<string, string> = {};
		names.forEach((name, i) => {
			if ((CSV_COLUMNS as readonly string[]).includes(name) && cells[i] !== undefined && cells[i] !== '')
				record[name] = cells[i];
		});
		const parsed = v.safeParse(CandidateSchema, record);
		if (!parsed.success) {
			const issue = parsed.issues[0];
			report.errors.push({
				line,
				message: `${issue.path?.map((p) => String(p.key)).join('.') ?? ''}: ${issue.message}`
			});
			continue;
		}
		try {
			const result = await upsertCandidate(db, parsed.output, actor);
			if (result.created) report.created++;
			else report.updated++;
		} catch (error) {
			if (!(error instanceof ServiceError)) throw error;
			report.errors.push({ line, message: error.en });
		}
	}
	return report;
}
