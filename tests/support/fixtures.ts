import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/fixtures beside the checkout (CI lays it there); ZV_FIXTURES overrides. */
export const fixturesDir =
	process.env.ZV_FIXTURES ??
	resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'fixtures');

export function fixture(...parts: string[]): string {
	const path = join(fixturesDir, ...parts);
	if (!existsSync(path)) throw new Error(`fixture missing: ${path} (set ZV_FIXTURES to ../shared/fixtures)`);
	return path;
}
