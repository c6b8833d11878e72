#!/usr/bin/env bash
# Stops the MongoDB-wire test server started by start.sh (by its pid) and removes its data.
set -euo pipefail
cd "$(dirname "$0")/../.."
pidfile=.tmp/mongo-server.pid
if [ -f "$pidfile" ]; then
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
fi
rm -rf .tmp/mongo-data .tmp/mongo.env
