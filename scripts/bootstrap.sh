#!/usr/bin/env bash
# Install what is missing for a make target on Debian/Ubuntu, then the project into .venv.
#   scripts/bootstrap.sh demo|test|bench
# Idempotent: a second run checks and returns in a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-test}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages="ffmpeg redis-server curl"
case "$target" in
  demo)  ;;
  test)  packages="$packages postgresql libvlc5 vlc-plugin-base xvfb xauth libgl1-mesa-dri"
         packages="$packages libmtdev1 tesseract-ocr tesseract-ocr-chi-sim xmltv-util chromium zbar-tools" ;;
  bench) packages="$packages nginx-light wrk xvfb xauth libgl1-mesa-dri libmtdev1 libvlc5 vlc-plugin-base" ;;
  *) echo "usage: $0 demo|test|bench" >&2; exit 2 ;;
esac
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  packages="$packages python3 python3-venv python3-dev"
fi

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing Debian packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.edutv-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi
