#!/usr/bin/env bash
# Builds (once, cached in .tmp/) and starts the MongoDB-wire test server (FerretDB v1 embedded,
# SQLite backend, test/mongo-server/) on 127.0.0.1, waits until it answers a ping, and writes
# MONGODB_URI to .tmp/mongo.env, where the MongoDB tests read it. The variable is deliberately not
# exported into the environment of the whole test run: MONGODB_URI also switches the application
# config to the MongoDB backend.
#   C4TAP_MONGO_PORT  port (default 27018)
set -euo pipefail
cd "$(dirname "$0")/../.."

tmp=.tmp
bin="$tmp/mongo-server"
stamp="$tmp/mongo-server.sha256"
data="$tmp/mongo-data"
pidfile="$tmp/mongo-server.pid"
logfile="$tmp/mongo-server.log"
port="${C4TAP_MONGO_PORT:-27018}"
mkdir -p "$tmp"

# FerretDB v1.24 needs Go 1.22 or newer (a newer local Go is fine; go.mod says 1.22). Without one
# (Debian 12 packages Go 1.19), the official toolchain is fetched once from the Go module proxy,
# where it is published as the module golang.org/toolchain, into .tmp/go.
go_ok() {
  local minor
  minor=$("$1" env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
  [ -n "$minor" ] && [ "$minor" -ge 22 ]
}
GO=go
if ! go_ok go; then
  GO="$tmp/go/bin/go"
  if ! go_ok "$GO"; then
    arch=$(uname -m); case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
    version=v0.0.1-go1.22.12.linux-$arch
    echo "mongo: no Go 1.22+ found; fetching golang.org/toolchain@$version from the Go module proxy"
    rm -rf "$tmp/go" "$tmp/go-toolchain.zip"
    curl -sSfL -o "$tmp/go-toolchain.zip" "https://proxy.golang.org/golang.org/toolchain/@v/$version.zip"
    python3 - "$tmp/go-toolchain.zip" "$tmp/go" <<'PY'
import os, sys, zipfile
zip_path, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(zip_path) as z:
    for info in z.infolist():
        # Entries are named golang.org/toolchain@<version>/<path in GOROOT>.
        parts = info.filename.split('/', 2)
        rel = parts[2] if len(parts) == 3 else ''
        if not rel or info.is_dir():
            continue
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, 'wb') as out:
            out.write(src.read())
        if rel.startswith('bin/') or rel.startswith('pkg/tool/'):
            os.chmod(target, 0o755)
PY
    rm -f "$tmp/go-toolchain.zip"
  fi
  GO="$(cd "$(dirname "$GO")" && pwd)/go"
fi

# Rebuild only when the sources changed (the Go build cache makes a rebuild cheap anyway).
sources_sha=$(cat test/mongo-server/go.mod test/mongo-server/go.sum test/mongo-server/*.go | sha256sum | cut -d' ' -f1)
if [ ! -x "$bin" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sources_sha" ]; then
  echo "mongo: building the test server (first build downloads and compiles FerretDB: a few minutes)"
  started=$(date +%s)
  (cd test/mongo-server && GOTOOLCHAIN=local "$GO" build -trimpath -ldflags='-s -w' -o "../../$bin.new" .)
  mv "$bin.new" "$bin"
  echo "$sources_sha" > "$stamp"
  echo "mongo: built in $(( $(date +%s) - started ))s"
fi

if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "mongo: already running (pid $(cat "$pidfile"))"
else
  rm -rf "$data"
  mkdir -p "$data"
  "$bin" -port "$port" -data "$data" >"$logfile" 2>&1 &
  echo $! > "$pidfile"
fi

uri="mongodb://127.0.0.1:$port/"
for _ in $(seq 1 100); do
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "mongo: the test server exited:" >&2
    cat "$logfile" >&2
    exit 1
  fi
  if MONGODB_URI="$uri" node .ci/mongo/ping.mjs 2>/dev/null; then
    echo "MONGODB_URI=$uri" > "$tmp/mongo.env"
    echo "mongo: ready at $uri (pid $(cat "$pidfile"))"
    exit 0
  fi
  sleep 0.2
done
echo "mongo: no answer to ping at $uri" >&2
cat "$logfile" >&2
exit 1
