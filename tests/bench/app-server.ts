// The built app on its own port and fresh database, as the e2e tests run it, for benchmarks that drive a browser
// through the candidate's pages. Builds the app if build/ is missing.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { E2E_SERVER_ENV, REGISTRATION_TOKEN } from '../e2e/support/server-env.ts';

export const root = resolve(import.meta.dirname, '..', '..');

export interface BenchApp {
	origin: string;
	/** A fresh one-time phone link for a seeded demo candidate, asked of the registration-system API. */
	phoneLink(idNumber: string): Promise<string>;
	stop(): void;
}

export async function startBenchApp(port: number): Promise<BenchApp> {
	if (!existsSync(join(root, 'build', 'index.js')))
		execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
	const origin = `http://localhost:${port}`;
	const server = spawn(process.execPath, ['tests/e2e/support/start-server.mjs'], {
		cwd: root,
		env: { ...process.env, ...E2E_SERVER_ENV, PORT: String(port) },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	for (let i = 0; ; i++) {
		if (
			await fetch(origin).then(
				(r) => r.ok,
				() => false
			)
		)
			break;
		if (i > 200) throw new Error('server did not start');
		await new Promise((r) => setTimeout(r, 300));
	}
	// The registration-system API: a registration site that signed the candidate in on its side asks for the link
	// this way (the PC page would ask for an SMS sign-in first).
	async function phoneLink(idNumber: string): Promise<string> {
		const r = await fetch(`${origin}/api/registration/sessions`, {
			method: 'POST',
			body: JSON.stringify({ idNumber }),
			headers: { authorization: `Bearer ${REGISTRATION_TOKEN}`, 'content-type': 'application/json' }
		});
		const body = (await r.json()) as { link?: string };
		if (!r.ok || !body.link) throw new Error(`no phone link: ${r.status} ${JSON.stringify(body)}`);
		return new URL(body.link, origin).toString();
	}
	return { origin, phoneLink, stop: () => server.kill('SIGTERM') };
}

/**
 * The built app with its dev-only pages (/dev/bench: the real workers driven from a page) on its own port and a
 * fresh data directory; resolves once it answers. Builds the app if build/ is missing.
 */
export async function startDevPagesApp(port: number): Promise<{ origin: string; stop(): void }> {
	if (!existsSync(join(root, 'build', 'handler.js')))
		execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
	const origin = `http://localhost:${port}`;
	const server = spawn(process.execPath, ['src/start.mjs'], {
		cwd: root,
		env: {
			...process.env,
			PORT: String(port),
			ZV_DEV_PAGES: '1',
			ZV_DATA_DIR: mkdtempSync(join(tmpdir(), 'zv-bench-'))
		},
		stdio: 'ignore'
	});
	for (let i = 0; ; i++) {
		if (
			await fetch(`${origin}/`).then(
				(r) => r.ok,
				() => false
			)
		)
			break;
		if (i > 120) throw new Error('server did not start');
		await new Promise((r) => setTimeout(r, 500));
	}
	return { origin, stop: () => server.kill('SIGTERM') };
}

/**
 * Files a bench page fetches from /__bench/… answered by Playwright from memory, so fixtures never enter the build:
 * `serve` registers bytes and returns their URL path, `route` answers them on a page (anything else aborted).
 */
export function benchFiles() {
	const served = new Map<string, Buffer>();
	const types: Record<string, string> = { '.jpg': 'image/jpeg', '.png': 'image/png' };
	return {
		serve(name: string, bytes: Buffer): string {
			served.set(name, bytes);
			return `/__bench/${name}`;
		},
		async route(page: Page): Promise<void> {
			await page.route('**/__bench/**', (route) => {
				const name = decodeURIComponent(new URL(route.request().url()).pathname.replace('/__bench/', ''));
				const body = served.get(name);
				return body
					? route.fulfill({ body, contentType: types[extname(name)] ?? 'application/octet-stream' })
					: route.abort();
			});
		}
	};
}

/** A fresh phone profile (a first visit), as the e2e flows open one, for a bench driving the candidate's pages. */
export async function benchPhoneContext(browser: Browser): Promise<BrowserContext> {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		isMobile: true,
		hasTouch: true,
		permissions: ['camera', 'microphone']
	});
	// tsx keeps function names with a helper the page lacks; the e2e helpers' page functions need it.
	await context.addInitScript(TSX_NAME_SHIM);
	return context;
}

/** What a page needs to run a function tsx compiled (it wraps named functions in `__name`). */
export const TSX_NAME_SHIM = 'globalThis.__name = (f) => f';
