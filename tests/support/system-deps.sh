#!/usr/bin/env bash
# Installs the Debian packages the tests use (Chromium for Playwright, ffmpeg for camera clips, CJK fonts for
# generated ID cards, PostgreSQL for the second integration run, ImageMagick's identify for photo checks),
# when missing and when we may; then builds pgvector into that PostgreSQL (pgvector.sh) when it is not there yet.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
# ffmpeg also brings ffprobe (the CLI reads clips with it); getconf (server bench) is in Debian's libc-bin.
command -v ffmpeg >/dev/null || need+=(ffmpeg)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
[ -x /usr/lib/postgresql/*/bin/postgres ] 2>/dev/null || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v exiftool >/dev/null || need+=(libimage-exiftool-perl)
# renice (the duplicates bench lowers its PostgreSQL backend's priority) comes with util-linux's bsdutils, an
# essential package of every Debian install: checked, not installed.
command -v renice >/dev/null || need+=(bsdutils)
# identify (ImageMagick) reads the registration photos' format, size and dpi independently of the app's code.
command -v identify >/dev/null || need+=(imagemagick)
# pgvector's build (duplicate-identity index): the server headers of the PostgreSQL the tests run, make and gcc.
if ! ls /usr/share/postgresql/*/extension/vector.control >/dev/null 2>&1; then
	pg_major="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
	[ -d "/usr/lib/postgresql/${pg_major:-15}/lib/pgxs/src/makefiles" ] && [ -f "/usr/include/postgresql/${pg_major:-15}/server/postgres.h" ] ||
		need+=("postgresql-server-dev-${pg_major:-15}")
	command -v make >/dev/null && command -v gcc >/dev/null || need+=(make gcc)
fi
if [ ${#need[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo"
	echo "installing: ${need[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
bash "$(dirname "$0")/pgvector.sh"
