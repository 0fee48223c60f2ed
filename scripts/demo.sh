#!/usr/bin/env bash
# Serve the demo backend and, where there is a screen, open the TV client against it.
# Without a display the backend keeps serving until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bind="${TV_BIND:-127.0.0.1:8000}"
export TV_BACKEND_URL="${TV_BACKEND_URL:-http://$bind}"

.venv/bin/edutv serve --bind "$bind" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 100); do
  curl -fsS "$TV_BACKEND_URL/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "EduTV backend: $TV_BACKEND_URL (catalog: $TV_BACKEND_URL/api/v1/home)"
# The demo classroom: 三个课堂 (channel 6) relays it during its periods, and plays the
# recorded lesson when it stops (tv_backend/demo/channels.py).
TV_BIND="$bind" scripts/live-class.sh class1 >/dev/null 2>&1 &
classroom=$!
trap 'kill $classroom $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT INT TERM
echo "live class: scripts/live-class.sh class1, on channel 6 三个课堂 during its periods"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "opening the TV client (arrows, Enter = OK, Esc = Back, Home; close the window to stop)"
  .venv/bin/edutv tv
else
  echo "no screen here: the TV client needs one (run 'make demo' on a desktop, or"
  echo "'xvfb-run -a .venv/bin/edutv tv'). Serving until Ctrl-C."
  wait $server
fi
