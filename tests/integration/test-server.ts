// The built server one test file runs against: on a PGlite directory of its own, or on the file's own PostgreSQL
// schema when DATABASE_URL is set; signed in as the seeded admin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase, type TestDatabase } from './db.ts';
import { adminCookie, pickPort, startServer, type ServerProcess } from './server-process.ts';

export interface TestServer {
	server: ServerProcess;
	cookie: string;
	/** The PGlite directory ('' on PostgreSQL). */
	dataDir: string;
	/** The PostgreSQL URL of the file's schema ('' on PGlite). */
	databaseUrl: string;
	/** Stops the server and keeps its database (close() still removes it). */
	stop(): Promise<void>;
	close(): Promise<void>;
}

/** The server listens on the first free port from `basePort` (90 tried). */
export async function testServer(basePort: number, env: Record<string, string> = {}): Promise<TestServer> {
	let pgHandle: TestDatabase | null = null;
	let dataDir = '';
	const databaseEnv: Record<string, string> = {};
	if (process.env.DATABASE_URL) {
		pgHandle = await testDatabase();
		databaseEnv.DATABASE_URL = pgHandle.url!;
	} else {
		dataDir = mkdtempSync(join(tmpdir(), 'zv-http-'));
		Object.assign(databaseEnv, { ZV_DATA_DIR: dataDir, DATABASE_URL: '' });
	}
	// The staged models for the server's face engine (on by default).
	const models = { ZV_STATIC_DIR: join(process.cwd(), 'static') };
	const server = await startServer(await pickPort(basePort, 90), { ...models, ...env, ...databaseEnv });
	return {
		server,
		cookie: await adminCookie(server.origin),
		dataDir,
		databaseUrl: pgHandle?.url ?? '',
		stop: () => server.stop(),
		close: async () => {
			await server.stop();
			await pgHandle?.close();
			if (dataDir) rmSync(dataDir, { recursive: true, force: true });
		}
	};
}
