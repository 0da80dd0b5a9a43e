// When the registration system may hear of an outcome. A confirmation's event waits until the duplicate sweep has
// compared its face with the whole province (duplicate-sweep.ts): the confirmation's own search is approximate, so a
// stand-in it missed would otherwise reach the registration system as plainly confirmed before the sweep held the
// case. Both ways out wait alike (the poll's numbering and the webhook). Other events go at once.
import { sql, type RawBuilder } from 'kysely';

/** Whether the outcome event `event` (a table alias) is held: a confirmation whose face is not yet swept. */
export function eventHeld(event: string): RawBuilder<boolean> {
	const e = sql.ref(event);
	return sql<boolean>`(${e}.payload->>'result' = 'confirmed' and exists (
		select 1 from face_embeddings f where f.outcome_id = ${e}.outcome_id and f.swept_at is null))`;
}

/**
 * Marks what the registration system has not seen of `outcomeId`'s events (held, so neither numbered by a poll nor
 * delivered) as pending review: the sweep has just flagged the outcome, and its first event must not say otherwise.
 */
export function markUnseenPending(outcomeId: number) {
	return sql`update outcome_events set payload = payload || '{"reviewStatus": "pending"}'::jsonb
		where outcome_id = ${outcomeId} and seq is null and delivered_at is null and lease_until is null`;
}
