// The database: embedded PGlite by default (a directory on disk), a PostgreSQL server when DATABASE_URL is set.
// One set of SQL migrations serves both; queries go through Kysely.
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { MemoryFaceIndexes } from '../services/face-index-memory.ts';
import { ensureFaceIndexes } from './face-index.ts';
import type { Database } from './schema.ts';
import { ADVISORY_LOCKS } from './locks.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
	db: Db;
	kind: 'pglite' | 'postgres';
	close(): Promise<void>;
}

export interface DatabaseOptions {
	/** postgres://… ; when absent, PGlite is used. */
	url?: string;
	/** PGlite data directory; "memory://" for a throwaway database. */
	dataDir?: string;
}

const migrations = import.meta.glob<string>('./migrations/*.sql', {
	query: '?raw',
	import: 'default',
	eager: true
});

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
	if (options.url) {
		const pool = new pg.Pool({ connectionString: options.url, max: 10 });
		return withPool(pool, 'postgres', true, () => Promise.resolve());
	}
	const lite = new PGlite(options.dataDir ?? './data');
	await lite.waitReady;
	// node-postgres over PGlite's own protocol adapter: the same driver, type parsers and named prepared statements as
	// on a PostgreSQL server. Through PGlite's query() every statement was parsed and planned again, and its
	// parameters went as text (a 30 kB photo as a 60 kB hex string): measured, 9.1 ms of the event loop per recorded
	// submission against 5.1 ms this way. PGlite is one connection, so the pool holds one client, and keeps it:
	// the named statements live in that one backend.
	const pool = new pg.Pool({ ...createPgConfig(lite), max: 1, idleTimeoutMillis: 0 });
	return withPool(pool, 'pglite', false, () => lite.close());
}

async function withPool(
	pool: pg.Pool,
	kind: DatabaseHandle['kind'],
	lock: boolean,
	closeRest: () => Promise<void>
): Promise<DatabaseHandle> {
	pool.on('connect', preparedStatements);
	const client = await pool.connect();
	let vectors: boolean;
	try {
		vectors = await migrate(async (script) => (await client.query(script)).rows, lock);
	} finally {
		client.release();
	}
	// The in-memory index only where one process owns the database and it cannot keep vectors itself.
	const faces = kind === 'pglite' && !vectors ? new MemoryFaceIndexes() : null;
	const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: faces ? [faces] : [] });
	faces?.start(db);
	return {
		db,
		kind,
		close: async () => {
			faces?.close();
			await db.destroy();
			await closeRest();
		}
	};
}

/** Named statements one connection keeps at most; further new query texts run unnamed, as before. */
const PREPARED_PER_CONNECTION = 200;

/**
 * `select *`, `"t".*`, `returning *`: a prepared statement whose result columns come from a star fails with
 * "cached plan must not change result type" once another instance's migration adds a column, so these stay
 * unnamed (a rolling deploy must not break the running instances' connections).
 */
const STAR_COLUMNS = /\b(select|returning)\s+\*|"\.\*/i;

/**
 * Runs every parameterised query of this connection as a named prepared statement: PostgreSQL parses and plans
 * a query text once per connection instead of on every request (the submission's eight statements cost the
 * server ~1 ms of CPU less). Kysely gives the same text for the same query shape; shapes that vary with their
 * input (a registration batch of N rows) stop being named at the cap, so the server's memory stays bounded.
 */
function preparedStatements(client: pg.PoolClient): void {
	type Query = (text: unknown, values?: unknown) => Promise<pg.QueryResult>;
	const original = client.query.bind(client) as unknown as Query;
	const names = statementNames(client);
	const named: Query = (text, values) => {
		if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || STAR_COLUMNS.test(text))
			return original(text, values);
		let name = names.get(text);
		if (!name && names.size < PREPARED_PER_CONNECTION) {
			name = `zv_${names.size}`;
			names.set(text, name);
		}
		return name ? original({ name, text, values }) : original(text, values);
	};
	client.query = named as unknown as typeof client.query;
}

/**
 * The names a connection has prepared, kept with the connection rather than the client: PGlite's adapter is one
 * connection that every client of its pool reuses, and a statement it has prepared stays prepared.
 */
const namesByConnection = new WeakMap<object, Map<string, string>>();
function statementNames(client: pg.PoolClient): Map<string, string> {
	const connection = (client as unknown as { connection: object }).connection;
	let names = namesByConnection.get(connection);
	if (!names) namesByConnection.set(connection, (names = new Map()));
	return names;
}

type RunScript = (sql: string) => Promise<Record<string, unknown>[]>;

/**
 * Applies pending migrations in file-name order, each in its own transaction. On PostgreSQL an advisory lock
 * (held on this one connection) makes instances that start together take turns, so each runs exactly once.
 * Answers whether the database keeps embeddings as vectors (pgvector's index serves the duplicate search).
 */
async function migrate(run: RunScript, lock: boolean): Promise<boolean> {
	await run(
		'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())'
	);
	if (lock) await run(`select pg_advisory_lock(${ADVISORY_LOCKS.migrations})`);
	try {
		const applied = new Set((await run('select name from schema_migrations')).map((r) => String(r.name)));
		for (const path of Object.keys(migrations).sort()) {
			const name = path.split('/').pop()!;
			if (applied.has(name)) continue;
			await run(
				`begin;\n${migrations[path]}\n;insert into schema_migrations (name) values ('${name}');\ncommit;`
			);
		}
		return await ensureFaceIndexes(run);
	} finally {
		if (lock) await run(`select pg_advisory_unlock(${ADVISORY_LOCKS.migrations})`);
	}
}
