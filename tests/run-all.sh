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

# The same integration tests against a real PostgreSQL server: a throwaway one unless ZV_TEST_POSTGRES_URL is given.
if [ "${ZV_SKIP_POSTGRES:-0}" != "1" ]; then
	pg_url="${ZV_TEST_POSTGRES_URL:-$(bash tests/support/postgres.sh)}"
	echo "== integration (PostgreSQL) =="
	DATABASE_URL="$pg_url" npx vitest run --project integration
fi

echo "== end-to-end (Chromium) =="
npx vite build >/dev/null
npx playwright test

echo "== types, lint, format =="
npm run --silent check
