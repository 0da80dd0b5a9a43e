// Integration tests run on a throwaway PGlite, or on PostgreSQL when DATABASE_URL is set (a fresh schema each file).
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/lib/server/db/index.ts';
import { seedDemoCandidate } from '../../src/lib/server/seed.ts';

export interface TestDatabase extends DatabaseHandle {
	label: string;
	/** Opens another handle on the same database (another "server instance"); PostgreSQL only. */
	another?: () => Promise<DatabaseHandle>;
	/** The connection URL (scoped to this file's schema); PostgreSQL only. */
	url?: string;
}

/**
 * pgvector once per database, in public, when the server has it (tests/support/pgvector.sh builds it): created
 * by the migration inside a test schema it would be dropped with that schema, under the other files' feet.
 */
async function installVector(admin: pg.Client): Promise<void> {
	const { rows } = await admin.query(`select 1 from pg_available_extensions where name = 'vector'`);
	if (rows.length === 0) return;
	try {
		await admin.query('create extension if not exists vector schema public');
	} catch (error) {
		// Two files creating it at the same moment: the other one did.
		if ((error as { code?: string }).code !== '23505') throw error;
	}
}

export async function testDatabase(): Promise<TestDatabase> {
	const url = process.env.DATABASE_URL;
	if (!url) {
		const handle = await openDatabase({ dataDir: 'memory://' });
		await seedDemoCandidate(handle.db);
		return { ...handle, label: 'PGlite' };
	}
	const schema = `zv_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
	const admin = new pg.Client({ connectionString: url });
	await admin.connect();
	await admin.query(`create schema ${schema}`);
	await installVector(admin);
	await admin.end();
	const scoped = new URL(url);
	// public last: where pgvector's type and operators live, shared by every file's schema.
	scoped.searchParams.set('options', `-c search_path=${schema},public`);
	const handle = await openDatabase({ url: scoped.toString() });
	await seedDemoCandidate(handle.db);
	return {
		...handle,
		label: 'PostgreSQL',
		another: () => openDatabase({ url: scoped.toString() }),
		url: scoped.toString(),
		close: async () => {
			await handle.close();
			const cleanup = new pg.Client({ connectionString: url });
			await cleanup.connect();
			await cleanup.query(`drop schema ${schema} cascade`);
			await cleanup.end();
		}
	};
}
