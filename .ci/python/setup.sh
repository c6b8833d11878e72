#!/usr/bin/env bash
# Installs the OASIS STIX 2.1 validator, the OASIS TAXII 2.1 client and PyMISP into .tmp/venv
# (git-ignored), for the sharing tests (test/sharing/stix*, taxii*, misp*). Idempotent: reinstalls
# only when .ci/python/requirements.txt changes.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=.tmp/venv
req=.ci/python/requirements.txt
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)

if [ -x "$venv/bin/stix2_validator" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "python tools up to date in $venv"
  exit 0
fi

mkdir -p .tmp
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$req"
"$venv/bin/python" -c 'import stix2validator, taxii2client, pymisp, medallion; print("stix2-validator", stix2validator.__version__, "· taxii2-client", taxii2client.__version__, "· pymisp", pymisp.__version__)'
echo "$want" > "$stamp"
