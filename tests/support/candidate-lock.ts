// Holds a candidate's row lock on PostgreSQL while requests race for it, so that they queue behind each other and
// the second one runs exactly where a stale read would let it act twice. A test that only fires two requests "at
// once" may see them run one after the other and pass on code that has no guard at all.
import pg from 'pg';

/**
 * Runs `requests` while this test holds the candidate's row lock, and lets go once `waiting` of them wait for a row
 * of one of `tables` (`for update`): the candidate's, or one a request locks before it (a review case's outcome).
 * Without a PostgreSQL URL (PGlite: one connection) it just runs them at once.
 */
export async function behindCandidateLock<T>(
	databaseUrl: string | undefined,
	idNumber: string,
	waiting: number,
	requests: () => Promise<T>[],
	tables: readonly string[] = ['candidates']
): Promise<T[]> {
	if (!databaseUrl) return Promise.all(requests());
	const holder = new pg.Client({ connectionString: databaseUrl });
	// Watches from outside the holder's transaction: inside one, pg_stat_activity keeps the first read it made.
	const watcher = new pg.Client({ connectionString: databaseUrl });
	await Promise.all([holder.connect(), watcher.connect()]);
	try {
		await holder.query('begin');
		await holder.query('select id from candidates where id_number = $1 for update', [idNumber]);
		const running = Promise.all(requests());
		for (let tries = 0; ; tries++) {
			const { rows } = await watcher.query<{ n: number }>(
				// Only the statements that lock those rows count: a request waiting on another lock (its staff
				// session's row, say) has not yet reached the point the test is about.
				`select count(*)::int as n from pg_stat_activity
				 where datname = current_database() and wait_event_type = 'Lock' and query ilike '%for update%'
				   and exists (select 1 from unnest($1::text[]) t where query like '%"' || t || '"%')`,
				[tables]
			);
			if (rows[0].n >= waiting) break;
			if (tries > 1200) throw new Error(`the requests never waited for a row of ${tables.join(', ')}`);
			await new Promise((r) => setTimeout(r, 50));
		}
		await holder.query('commit');
		return await running;
	} finally {
		await Promise.all([holder.end(), watcher.end()]);
	}
}
