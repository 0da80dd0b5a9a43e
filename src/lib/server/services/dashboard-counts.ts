// Keeps the dashboard's counters (migration 021) in step with the sessions they count. A recording transaction
// reads what its sessions contribute before it changes them and adds the difference afterwards, in the same
// transaction: the counters commit or roll back with the change. The upsert adds to whatever other instances
// have added meanwhile (a row lock per counter, held to commit); rows are written in key order, so two
// transactions never wait for each other's counters in opposite orders.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/index.ts';

/** A counter's key and a count (of facts, or of a change to them). */
export interface DashboardCount {
	province: string;
	metric: string;
	hour: string;
	exam_area: string;
	key: string;
	n: number;
}

const SEP = '\u0000';
const factKey = (f: DashboardCount) => [f.province, f.metric, f.hour, f.exam_area, f.key].join(SEP);

/** What the sessions and candidates contribute now, counted by counter key. */
function factsQuery(sessionIds: readonly string[], candidateIds: readonly number[]) {
	const branches = [
		...(sessionIds.length
			? [
					sql`select province, metric, hour, exam_area, key from dashboard_facts
						where ${matching(sql.ref('session_id'), sessionIds, 'uuid')}`
				]
			: []),
		...(candidateIds.length
			? [
					sql`select province, metric, hour, exam_area, key from dashboard_candidate_facts
						where ${matching(sql.ref('candidate_id'), candidateIds, 'int')}`
				]
			: [])
	];
	return sql<DashboardCount>`
		select province, metric, to_char(hour, 'YYYY-MM-DD HH24:MI:SS') as hour, exam_area, key, count(*)::int as n
		from (${sql.join(branches, sql` union all `)}) f
		group by 1, 2, 3, 4, 5`;
}

const factMap = (rows: readonly DashboardCount[]) => new Map(rows.map((f) => [factKey(f), f.n]));

async function facts(
	tx: Db,
	sessionIds: readonly string[],
	candidateIds: readonly number[]
): Promise<Map<string, number>> {
	return factMap((await factsQuery(sessionIds, candidateIds).execute(tx)).rows);
}

/**
 * The sessions' contribution as a JSON array, for the select list of the statement that changes them: its data-
 * modifying WITH clauses are not visible to it, so it reads what trackDashboard would have read just before
 * (the sessions' rows locked). dashboardChange takes the array.
 */
export function dashboardFactsJson(sessionIds: readonly string[]) {
	return sql<
		DashboardCount[]
	>`(select coalesce(json_agg(f), '[]'::json) from (${factsQuery(sessionIds, [])}) f)`;
}

/**
 * `column = $1` for one value, `= any($1)` for several. Planning the facts views costs ~1 ms; PostgreSQL keeps a
 * prepared statement's generic plan only when it looks no dearer than planning each time, which an array
 * parameter never does (its generic estimate assumes ten values), so the one-value shape, the common one, is
 * planned once per connection and the array shape every time.
 */
function matching(column: RawBuilder<unknown>, values: readonly (string | number)[], type: 'uuid' | 'int') {
	return values.length === 1
		? sql`${column} = ${values[0]}::${sql.raw(type)}`
		: sql`${column} = any(${values}::${sql.raw(type)}[])`;
}

/**
 * Reads the sessions' contribution to the dashboard now (call it once the sessions' rows are locked, before the
 * change) and returns the step that adds the change's difference (call it after the change, in the same
 * transaction). `candidateIds`: candidates whose own facts the change moves (their sessions, failed attempts or
 * exam area), whose rows the caller has locked, so two changes to one candidate count one after the other.
 */
export async function trackDashboard(
	tx: Db,
	sessionIds: readonly string[],
	candidateIds: readonly number[] = []
): Promise<() => Promise<void>> {
	if (sessionIds.length === 0 && candidateIds.length === 0) return async () => {};
	const before = await facts(tx, sessionIds, candidateIds);
	return () => addChange(tx, sessionIds, candidateIds, before);
}

/** trackDashboard's second step, for sessions whose contribution before the change dashboardFactsJson read. */
export function dashboardChange(
	tx: Db,
	sessionIds: readonly string[],
	before: readonly DashboardCount[]
): Promise<void> {
	return addChange(tx, sessionIds, [], factMap(before));
}

async function addChange(
	tx: Db,
	sessionIds: readonly string[],
	candidateIds: readonly number[],
	before: ReadonlyMap<string, number>
): Promise<void> {
	const after = await facts(tx, sessionIds, candidateIds);
	const delta = new Map<string, number>();
	for (const [key, n] of after) delta.set(key, n - (before.get(key) ?? 0));
	for (const [key, n] of before) if (!after.has(key)) delta.set(key, -n);
	const changes = [...delta].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	if (changes.length === 0) return;
	const keyOf = (key: string) => {
		const [province, metric, hour, examArea, k] = key.split(SEP);
		return sql`${province}::text, ${metric}::text, ${hour}::timestamp, ${examArea}::text, ${k}::text`;
	};
	await sql`
		insert into dashboard_counts (province, metric, hour, exam_area, key, n)
		values ${sql.join(changes.map(([key, n]) => sql`(${keyOf(key)}, ${n}::bigint)`))}
		on conflict (province, metric, hour, exam_area, key) do update set n = dashboard_counts.n + excluded.n`.execute(
		tx
	);
	// A counter back at zero goes (a decided case's minute, mostly): the open cases stay a scan of open cases.
	// Another transaction adding to it meanwhile waits for this one, then inserts it anew.
	const lowered = changes.filter(([, n]) => n < 0).map(([key]) => sql`(${keyOf(key)})`);
	if (lowered.length)
		await sql`
			delete from dashboard_counts where n = 0
				and (province, metric, hour, exam_area, key) in (values ${sql.join(lowered)})`.execute(tx);
}

/**
 * Adds a change to the dashboard's counters: `change` runs in `tx`, which has locked the sessions' rows and those
 * of `candidateIds` (see trackDashboard).
 */
export async function countingDashboard<T>(
	tx: Db,
	sessionIds: readonly string[],
	change: () => Promise<T>,
	candidateIds: readonly number[] = []
): Promise<T> {
	const count = await trackDashboard(tx, sessionIds, candidateIds);
	const result = await change();
	await count();
	return result;
}
