// Names of the constraints the services answer for, as the migrations create them, and how to recognise their
// violation in the error either driver throws (node-postgres and PGlite both carry the server's fields).

/** outcomes: at most one confirmed outcome per candidate (migration 034). */
export const ONE_CONFIRMATION = 'outcomes_one_confirmed';

/** Whether `error` is the database refusing a write for breaking the unique constraint or index `name`. */
export function violates(error: unknown, name: string): boolean {
	if (typeof error !== 'object' || error === null) return false;
	const { code, constraint } = error as { code?: unknown; constraint?: unknown };
	return code === '23505' && constraint === name;
}
