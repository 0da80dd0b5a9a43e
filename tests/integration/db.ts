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
	await admin.end();
	const scoped = new URL(url);
	scoped.searchParams.set('options', `-c search_path=${schema}`);
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
