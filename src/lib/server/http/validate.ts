// valibot parsing with a clear 400 naming the first problem, shared by every endpoint.
import * as v from 'valibot';
import { ServiceError } from '../services/errors.ts';

export function parseInput<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
	const result = v.safeParse(schema, input);
	if (result.success) return result.output;
	const issue = result.issues[0];
	const where = issue.path?.map((p) => String(p.key)).join('.') || '(body)';
	throw new ServiceError(
		400,
		'invalid_input',
		`输入无效：${where}：${issue.message}`,
		`Invalid input at ${where}: ${issue.message}`
	);
}
