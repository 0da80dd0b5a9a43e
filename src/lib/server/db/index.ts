// The database: embedded PGlite by default (a directory on disk), a PostgreSQL server when DATABASE_URL is set.
// One set of SQL migrations serves both; queries go through Kysely.
import { Buffer } from 'node:buffer';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './schema.ts';

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

const BYTEA = 17;
/**
 * PGlite's own bytea text conversion goes byte by byte through strings (a 30 kB photo cost ~5 ms of the event
 * loop per insert); Buffer's hex codec gives the same '\\x…' text in native code.
 */
const BYTEA_SERIALIZER = {
	[BYTEA]: (bytes: Uint8Array) =>
		'\\x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
};
const BYTEA_PARSER = {
	// Copied out of Buffer's shared pool, so the array's .buffer holds these bytes only.
	[BYTEA]: (text: string) => new Uint8Array(Buffer.from(text.slice(2), 'hex'))
};

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
	if (options.url) {
		const pool = new pg.Pool({ connectionString: options.url, max: 10 });
		pool.on('connect', preparedStatements);
		const client = await pool.connect();
		try {
			await migrate(async (script) => (await client.query(script)).rows, true);
		} finally {
			client.release();
		}
		const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
		return { db, kind: 'postgres', close: () => db.destroy() };
	}
	const lite = new PGlite(options.dataDir ?? './data', {
		serializers: BYTEA_SERIALIZER,
		parsers: BYTEA_PARSER
	});
	await lite.waitReady;
	await migrate(async (script) => {
		const results = await lite.exec(script);
		return (results.at(-1)?.rows ?? []) as Record<string, unknown>[];
	}, false);
	const db = new Kysely<Database>({ dialect: new PGliteDialect(lite) });
	return { db, kind: 'pglite', close: () => db.destroy() };
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
	const names = new Map<string, string>();
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

type RunScript = (sql: string) => Promise<Record<string, unknown>[]>;

/**
 * Applies pending migrations in file-name order, each in its own transaction. On PostgreSQL an advisory lock
 * (held on this one connection) makes instances that start together take turns, so each runs exactly once.
 */
async function migrate(run: RunScript, lock: boolean): Promise<void> {
	await run(
		'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())'
	);
	if (lock) await run('select pg_advisory_lock(7341001)');
	try {
		const applied = new Set((await run('select name from schema_migrations')).map((r) => String(r.name)));
		for (const path of Object.keys(migrations).sort()) {
			const name = path.split('/').pop()!;
			if (applied.has(name)) continue;
			await run(
				`begin;\n${migrations[path]}\n;insert into schema_migrations (name) values ('${name}');\ncommit;`
			);
		}
	} finally {
		if (lock) await run('select pg_advisory_unlock(7341001)');
	}
}
