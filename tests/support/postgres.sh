#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server (Debian's postgresql package) on 127.0.0.1:${ZV_PG_PORT:-55432} and
# prints its URL. Runs the server as the `postgres` user because PostgreSQL refuses to run as root.
set -euo pipefail
port="${ZV_PG_PORT:-55432}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
dir="${ZV_PG_DIR:-/tmp/zv-postgres-$port}"
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if ! as_pg "$bin/pg_isready -q -h 127.0.0.1 -p $port"; then
	rm -rf "$dir"
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
	as_pg "$bin/initdb -D $dir/data -A trust -U postgres >/dev/null"
	as_pg "$bin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1' -l $dir/log -w start >/dev/null"
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
