#!/usr/bin/env bash
# Start a private clamd for the tests: a TEST signature database only (EICAR by MD5 plus a few
# .ndb hex signatures defined here), a unix socket and TCP on 127.0.0.1, scan cache off, the
# "never pass what was not scanned" alerts on. Waits until clamd answers PING, then writes
# the connection details as env lines to $CLAMD_ENV_FILE and prints them.
# freshclam is never run: the machine has no internet and the tests need only these signatures.
#
#   CLAMD_DIR        state directory (config, database, socket, pid, log); default .tmp/clamd
#   CLAMD_ENV_FILE   where the env lines go; default .tmp/clamd.env
#   CLAMD_PORT       TCP port; default the first free port from 3311
#   CLAMD_STREAM_MAX clamd StreamMaxLength and MaxFileSize; default 25M
#   CLAMD_MAX_SCAN   clamd MaxScanSize (data scanned per file, archive contents included); default 100M
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$(mkdir -p "${CLAMD_DIR:-$root/.tmp/clamd}" && cd "${CLAMD_DIR:-$root/.tmp/clamd}" && pwd)"
env_file="${CLAMD_ENV_FILE:-$root/.tmp/clamd.env}"
stream_max="${CLAMD_STREAM_MAX:-25M}"
max_scan="${CLAMD_MAX_SCAN:-100M}"

clamd_bin="$(command -v clamd || echo /usr/sbin/clamd)"
[ -x "$clamd_bin" ] || { echo "clamd not found (Debian package clamav-daemon)" >&2; exit 1; }
command -v sigtool >/dev/null || { echo "sigtool not found (Debian package clamav)" >&2; exit 1; }

bash "$(dirname "$0")/stop.sh" "$dir" >/dev/null 2>&1 || true
mkdir -p "$dir/db"
rm -f "$dir/db/"*

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port="${CLAMD_PORT:-}"
if [ -z "$port" ]; then
  for candidate in $(seq 3311 3399); do
    if ! port_in_use "$candidate"; then port="$candidate"; break; fi
  done
  [ -n "$port" ] || { echo "no free TCP port in 3311-3399" >&2; exit 1; }
fi

# Test signatures. The EICAR test file is made here and hashed by sigtool; its signature name is
# the file name. The .ndb signatures match marker strings the tests build (hex of the ASCII text).
eicar="$dir/db/C4TAP.Test.EICAR"
printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' >"$eicar"
(cd "$dir/db" && sigtool --md5 C4TAP.Test.EICAR) >"$dir/db/c4tap-test.hdb"
rm -f "$eicar"
hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }
{
  # anywhere in any file
  echo "C4TAP.Test.Marker:0:*:$(hex 'C4TAP-CLAMD-TEST-MARKER-3e1f0b')"
  # at offset 0 only
  echo "C4TAP.Test.HeaderMarker:0:0:$(hex 'C4TAP-HEADER-MARKER')"
} >"$dir/db/c4tap-test.ndb"

cat >"$dir/clamd.conf" <<CONF
Foreground no
PidFile $dir/clamd.pid
LogFile $dir/clamd.log
LogTime yes
LogVerbose no
DatabaseDirectory $dir/db
OfficialDatabaseOnly no
Bytecode no
SelfCheck 0
LocalSocket $dir/clamd.sock
LocalSocketMode 600
FixStaleSocket yes
TCPAddr 127.0.0.1
TCPSocket $port
MaxThreads 4
MaxConnectionQueueLength 30
ReadTimeout 30
CommandReadTimeout 10
IdleTimeout 30
StreamMaxLength $stream_max
MaxFileSize $stream_max
MaxScanSize $max_scan
MaxRecursion 16
MaxFiles 10000
ScanArchive yes
AlertExceedsMax yes
AlertEncrypted yes
AlertEncryptedArchive yes
AlertEncryptedDoc yes
ExtendedDetectionInfo no
DisableCache yes
CONF

"$clamd_bin" --config-file="$dir/clamd.conf" || { echo "clamd failed to start; log:" >&2; cat "$dir/clamd.log" >&2 || true; exit 1; }

# Wait (up to ~30 s) until clamd answers PING (over TCP; bash cannot speak to a unix socket, and
# clamd serves both from one loop once listening) and its unix socket exists.
ready=""
for _ in $(seq 1 150); do
  if [ -S "$dir/clamd.sock" ] \
    && reply="$(exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'zPING\0' >&3 && timeout 2 head -c 4 <&3)" \
    && [ "$reply" = "PONG" ]; then
    ready=yes
    break
  fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "clamd did not answer PING; log:" >&2
  cat "$dir/clamd.log" >&2 || true
  bash "$(dirname "$0")/stop.sh" "$dir" || true
  exit 1
fi

mkdir -p "$(dirname "$env_file")"
cat >"$env_file" <<ENV
C4TAP_TEST_CLAMD_SOCKET=$dir/clamd.sock
C4TAP_TEST_CLAMD_HOST=127.0.0.1
C4TAP_TEST_CLAMD_PORT=$port
C4TAP_TEST_CLAMD_CONFIG=$dir/clamd.conf
C4TAP_TEST_CLAMD_PID=$(cat "$dir/clamd.pid")
C4TAP_TEST_CLAMD_STREAM_MAX=$stream_max
C4TAP_TEST_CLAMD_MAX_SCAN=$max_scan
ENV
cat "$env_file"
