#!/usr/bin/env bash
# Every test the project has: unit, model tests in Node, integration on PGlite and on a real PostgreSQL,
# end-to-end in Chromium, then types/lint/format. Installs the system packages it needs when it can.
set -euo pipefail
cd "$(dirname "$0")/.."
reports=.cache/test-reports
rm -rf "$reports" && mkdir -p "$reports"
# The command line's reporters replace the config's, so the fixture gate's notice is named here too.
vitest() {
	local name=$1
	shift
	npx vitest run --reporter=default --reporter=./tests/support/fixture-notice.ts --reporter=json \
		--outputFile="$reports/$name.json" "$@"
}

bash tests/support/system-deps.sh
node models/stage.mjs
npx svelte-kit sync >/dev/null
# The built server is needed by the crash/HTTP integration tests and by the end-to-end tests.
echo "== build =="
npx vite build >/dev/null

echo "== unit + model tests (Node) =="
vitest node --project unit --project node

echo "== integration (PGlite) =="
vitest integration-pglite --project integration

echo "== security: scripted clients against the built server (PGlite) =="
vitest security-pglite --project security

# The same integration tests against a real PostgreSQL server: a throwaway one unless ZV_TEST_POSTGRES_URL is given.
if [ "${ZV_SKIP_POSTGRES:-0}" != "1" ]; then
	pg_url="${ZV_TEST_POSTGRES_URL:-$(bash tests/support/postgres.sh)}"
	echo "== integration (PostgreSQL) =="
	DATABASE_URL="$pg_url" vitest integration-postgres --project integration
	echo "== security: scripted clients against the built server (PostgreSQL) =="
	DATABASE_URL="$pg_url" vitest security-postgres --project security
fi

echo "== end-to-end (Chromium) =="
PLAYWRIGHT_JSON_OUTPUT_NAME="$reports/e2e.json" npx playwright test --reporter=list,json

echo "== types, lint, format =="
npm run --silent check

echo "== summary =="
node tests/support/summary.mjs "$reports"
