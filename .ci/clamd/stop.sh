#!/usr/bin/env bash
# Stop the clamd started by start.sh (pid from its pidfile) and remove its state and env file.
#   stop.sh [STATE_DIR]   default $CLAMD_DIR or .tmp/clamd
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${1:-${CLAMD_DIR:-$root/.tmp/clamd}}"
env_file="${CLAMD_ENV_FILE:-$root/.tmp/clamd.env}"
[ -d "$dir" ] || exit 0

if [ -f "$dir/clamd.pid" ]; then
  pid="$(cat "$dir/clamd.pid")"
  # Only a clamd started with this state directory's config is ours to stop.
  if [ -n "$pid" ] && grep -qa -- "$dir/clamd.conf" "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
fi
# The env file is removed only when it describes this clamd.
if [ -f "$env_file" ] && grep -q -- "=$dir/clamd.sock" "$env_file"; then rm -f "$env_file"; fi
rm -rf "$dir/db"
rm -f "$dir/clamd.conf" "$dir/clamd.sock" "$dir/clamd.pid" "$dir/clamd.log"
rmdir "$dir" 2>/dev/null || true
