// A second app server for tests that need settings the shared one does not have (a staff account): the same
// built app and launcher, its own port and its own fresh embedded database.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from '@playwright/test';
import { E2E_SERVER_ENV } from './server-env.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');

export interface OwnServer {
	url: string;
	stop(): Promise<void>;
}

export async function startOwnServer(port: number, env: Record<string, string>): Promise<OwnServer> {
	const child: ChildProcess = spawn(process.execPath, ['tests/e2e/support/start-server.mjs'], {
		cwd: root,
		env: { ...process.env, PORT: String(port), ZV_E2E: '1', ...env },
		stdio: ['ignore', 'inherit', 'inherit']
	});
	const url = `http://localhost:${port}`;
	// As long as Playwright waits for the shared server: a fresh database's migrations on a loaded machine.
	const deadline = Date.now() + 120_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
		const ok = await fetch(url).then(
			(r) => r.status < 500,
			() => false
		);
		if (ok) break;
		if (Date.now() > deadline) {
			// Not left listening: a later start on this port would meet it instead of its own server.
			child.kill();
			throw new Error('server did not start');
		}
		await new Promise((r) => setTimeout(r, 300));
	}
	return {
		url,
		stop: () =>
			new Promise<void>((done) => {
				if (child.exitCode !== null) return done();
				// A server still holding a browser's open connection may not finish its graceful shutdown: a CI
				// run waited out the whole hook timeout here. After 10 s it is killed.
				const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
				child.once('exit', () => {
					clearTimeout(kill);
					done();
				});
				child.kill('SIGTERM');
			})
	};
}

/**
 * Each test of the file on a fresh server like the shared one (port ZV_E2E_PORT+1). For tests that confirm a new
 * candidate with the man the fake camera plays: once he is confirmed for one ID number of a province (by an earlier
 * spec on the shared server, or an earlier test), another ID number of that province with his face is held for review
 * as a duplicate identity.
 */
export function freshServerPerTest(): void {
	const port = Number(process.env.ZV_E2E_PORT ?? 3210) + 1;
	let server: OwnServer | undefined;
	test.beforeEach(async () => {
		// A server's start on a busy machine, then a whole run.
		test.setTimeout(300_000);
		server = await startOwnServer(port, E2E_SERVER_ENV);
	});
	test.afterEach(async () => server?.stop());
	test.use({ baseURL: `http://localhost:${port}` });
}
