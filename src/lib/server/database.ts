// The one database handle of this server process, opened (and migrated) on first use.
import { openDatabase, type DatabaseHandle } from './db/index.ts';
import { config } from './config.ts';
import { seedDemoCandidate } from './seed.ts';

let handle: Promise<DatabaseHandle> | null = null;

export function database(): Promise<DatabaseHandle> {
	handle ??= (async () => {
		const h = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
		if (config.seedDemo) await seedDemoCandidate(h.db);
		return h;
	})();
	return handle;
}
