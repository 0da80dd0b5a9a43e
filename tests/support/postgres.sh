#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server (Debian's postgresql package) on 127.0.0.1 and prints its URL. Runs the
# server as the `postgres` user because PostgreSQL refuses to run as root.
# The default port lies below Linux's ephemeral range (32768-60999): a port inside it can be held for a moment by
# any outgoing connection's local end (the tests open thousands), and the server then fails to bind. Should the
# port still be taken, the next ones are tried.
set -euo pipefail
first="${ZV_PG_PORT:-25432}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
for port in $(seq "$first" $((first + 9))); do
	if as_pg "$bin/pg_isready -q -h 127.0.0.1 -p $port"; then
		echo "postgres://postgres@127.0.0.1:$port/postgres"
		exit 0
	fi
	dir="${ZV_PG_DIR:-/tmp/zv-postgres-$port}"
	rm -rf "$dir"
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
	as_pg "$bin/initdb -D $dir/data -A trust -U postgres >/dev/null"
	if as_pg "$bin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1' -l $dir/log -w start >/dev/null"; then
		echo "postgres://postgres@127.0.0.1:$port/postgres"
		exit 0
	fi
	grep -q "Address already in use" "$dir/log" || { cat "$dir/log" >&2; exit 1; }
	echo "postgres: port $port is taken, trying the next" >&2
done
echo "postgres: no free port from $first" >&2
exit 1
