// A Kysely dialect over embedded PGlite. PGlite is one connection, so callers take turns: a transaction holds
// the connection until it commits, and every other query waits for it.
import type { PGlite } from '@electric-sql/pglite';
import {
	CompiledQuery,
	PostgresAdapter,
	PostgresIntrospector,
	PostgresQueryCompiler,
	type DatabaseConnection,
	type Dialect,
	type Driver,
	type Kysely,
	type QueryResult
} from 'kysely';

class PGliteConnection implements DatabaseConnection {
	constructor(private readonly db: PGlite) {}

	async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
		const result = await this.db.query<R>(query.sql, query.parameters as unknown[]);
		return { rows: result.rows, numAffectedRows: BigInt(result.affectedRows ?? 0) };
	}

	// eslint-disable-next-line require-yield
	async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
		throw new Error('streaming is not supported on PGlite');
	}
}

class PGliteDriver implements Driver {
	private queue: Promise<void> = Promise.resolve();
	private holder: (() => void) | null = null;
	private readonly connection: PGliteConnection;

	constructor(private readonly db: PGlite) {
		this.connection = new PGliteConnection(db);
	}

	async init(): Promise<void> {
		await this.db.waitReady;
	}

	async acquireConnection(): Promise<DatabaseConnection> {
		let release!: () => void;
		const previous = this.queue;
		this.queue = new Promise<void>((resolve) => (release = resolve));
		await previous;
		this.holder = release;
		return this.connection;
	}

	async beginTransaction(connection: DatabaseConnection): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw('begin'));
	}

	async commitTransaction(connection: DatabaseConnection): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw('commit'));
	}

	async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw('rollback'));
	}

	async releaseConnection(): Promise<void> {
		const release = this.holder;
		this.holder = null;
		release?.();
	}

	async destroy(): Promise<void> {
		await this.db.close();
	}
}

export class PGliteDialect implements Dialect {
	constructor(private readonly db: PGlite) {}
	createAdapter() {
		return new PostgresAdapter();
	}
	createDriver(): Driver {
		return new PGliteDriver(this.db);
	}
	createQueryCompiler() {
		return new PostgresQueryCompiler();
	}
	createIntrospector(db: Kysely<unknown>) {
		return new PostgresIntrospector(db);
	}
}
