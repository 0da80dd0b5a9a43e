#!/usr/bin/env bash
# Builds pgvector from ../shared/vendor (Debian 12 has no package) and installs it into the apt PostgreSQL the
# tests start (tests/support/postgres.sh), when that PostgreSQL does not have it yet. Needs
# postgresql-server-dev-NN and a C compiler (system-deps.sh installs them). Installs with sudo when not root, as
# system-deps.sh does: PostgreSQL 15 loads extensions only from its own share/ and lib/ directories.
set -euo pipefail
version=0.8.6
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
pg_config="$bin/pg_config"
if [ -f "$("$pg_config" --sharedir)/extension/vector--$version.sql" ] && [ -f "$("$pg_config" --pkglibdir)/vector.so" ]; then
	exit 0
fi
shared="${ZV_SHARED:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}"
tarball="$shared/vendor/pgvector-$version.tar.gz"
if [ ! -f "$tarball" ]; then
	echo "pgvector: $tarball is missing; PostgreSQL runs the duplicate search without its index (exact scan)" >&2
	[ "${CI:-}" = "true" ] && exit 1
	exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
tar xzf "$tarball" -C "$build"
cd "$build"/pgvector-*
echo "building pgvector $version for $("$pg_config" --version)"
# OPTFLAGS="": no -march=native, so the library also runs on another CPU than the one that built it.
make -s -j"$(nproc)" PG_CONFIG="$pg_config" OPTFLAGS="" >/dev/null
$sudo make -s install PG_CONFIG="$pg_config" >/dev/null
