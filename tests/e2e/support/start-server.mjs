// Starts the built app for the e2e run on a fresh embedded database, so every run begins from the seed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.ZV_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'zv-e2e-'));
await import('../../../src/start.mjs');
