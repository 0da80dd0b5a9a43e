// When the registration system may hear of an outcome. A confirmation's event waits until the duplicate sweep has
// compared its face with the whole province (duplicate-sweep.ts): the confirmation's own search is approximate, so a
// stand-in it missed would otherwise reach the registration system as plainly confirmed before the sweep held the
// case. Both ways out wait alike (the poll's numbering and the webhook). Other events go at once.
import { sql, type RawBuilder } from 'kysely';
import { awaitingSweep } from './sweep-state.ts';

/** Whether the outcome event `event` (a table alias) is held: a confirmation whose face is not yet swept. */
export function eventHeld(event: string): RawBuilder<boolean> {
	return sql<boolean>`(${sql.ref(`${event}.payload`)}->>'result' = 'confirmed'
		and ${awaitingSweep(sql.ref(`${event}.outcome_id`))})`;
}

/**
 * Marks the confirmation events of `outcomeIds` that the registration system has not seen (neither numbered by a
 * poll, nor delivered or being delivered) as pending review: a duplicate flag has just put the outcomes in review,
 * and their first word there must not say plainly confirmed.
 */
export function markUnseenPending(outcomeIds: readonly number[]) {
	return sql`update outcome_events set payload = payload || '{"reviewStatus": "pending"}'::jsonb
		where outcome_id = any(${outcomeIds}::integer[]) and payload->>'result' = 'confirmed'
			and seq is null and delivered_at is null and lease_until is null`;
}
