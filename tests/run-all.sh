#!/usr/bin/env bash
# Every test the project has: unit, model tests in Node, integration on PGlite (and on PostgreSQL when
# ZV_TEST_POSTGRES_URL is set), and end-to-end in Chromium. Installs system packages it needs when it can.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/support/system-deps.sh
node models/stage.mjs
npx svelte-kit sync >/dev/null

echo "== unit + model tests (Node) =="
npx vitest run --project unit --project node

echo "== integration (PGlite) =="
npx vitest run --project integration

if [ -n "${ZV_TEST_POSTGRES_URL:-}" ]; then
	echo "== integration (PostgreSQL) =="
	DATABASE_URL="$ZV_TEST_POSTGRES_URL" npx vitest run --project integration
fi

echo "== end-to-end (Chromium) =="
npx vite build >/dev/null
npx playwright test
