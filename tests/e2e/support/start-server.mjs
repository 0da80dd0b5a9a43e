// Starts the built app for the e2e run on a fresh embedded database, so every run begins from the seed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Test mode fixes the issued action challenge to a blink, which the live selfie clip performs (the server honours
// it only with ZV_E2E=1); digit policies keep their random digits.
process.env.ZV_TEST_LIVENESS ??= '["blink"]';
process.env.ZV_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'zv-e2e-'));
await import('../../../src/start.mjs');
