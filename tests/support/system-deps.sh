#!/usr/bin/env bash
# Installs the Debian packages the tests use (Chromium for Playwright, ffmpeg for camera clips, CJK fonts for
# generated ID cards, PostgreSQL for the second integration run, ImageMagick's identify for photo checks),
# when missing and when we may.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
# ffmpeg also brings ffprobe (the CLI reads clips with it); getconf (server bench) is in Debian's libc-bin.
command -v ffmpeg >/dev/null || need+=(ffmpeg)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
[ -x /usr/lib/postgresql/*/bin/postgres ] 2>/dev/null || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v exiftool >/dev/null || need+=(libimage-exiftool-perl)
# identify (ImageMagick) reads the registration photos' format, size and dpi independently of the app's code.
command -v identify >/dev/null || need+=(imagemagick)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
