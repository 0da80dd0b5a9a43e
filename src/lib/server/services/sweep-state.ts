// Whether an outcome's face still waits for the exhaustive duplicate sweep (duplicate-sweep.ts): the one condition
// that holds back what a confirmation gives away (its password, password-jobs.ts; its registration event,
// outcome-events.ts) until the sweep has compared the face with the whole province.
import { sql, type Expression } from 'kysely';

/** True while the face of outcome `outcomeId` (a column of the enclosing query) is recorded and not yet swept. */
export function awaitingSweep(outcomeId: Expression<number>) {
	return sql<boolean>`exists (select 1 from face_embeddings f
		where f.outcome_id = ${outcomeId} and f.swept_at is null)`;
}
