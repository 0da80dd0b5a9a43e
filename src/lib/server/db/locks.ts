// The server's advisory lock keys, in one place: PostgreSQL has one key space per database, so two uses must never
// share a key by accident. A two-key lock takes its key here and a second number (a province's hash, a candidate).
export const ADVISORY_LOCKS = {
	/** Instances starting together apply the migrations in turn (db/index.ts). */
	migrations: 7341001,
	/** A province's duplicate searches take turns until their transactions end (services/duplicates.ts). */
	provinceTurn: 7341002,
	/** Two starts of one candidate's session take turns (services/sessions.ts). */
	candidateSession: 7341015,
	/** Polls number the outcome events one at a time (services/registration.ts). */
	eventNumbering: 7341036
} as const;
