#!/usr/bin/env bash
# The outside fuzzer of the test run (test/live/schemathesis.test.ts): schemathesis from PyPI, in a Python virtual
# environment of its own (.venv-fuzz/, git-ignored), every package pinned by scripts/fuzzer-requirements.txt (written
# with `pip freeze` after `pip install schemathesis==<version>`). Idempotent: an environment made from the same pins is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

venv='.venv-fuzz'
pins='scripts/fuzzer-requirements.txt'

if [ -x "$venv/bin/schemathesis" ] && cmp -s "$pins" "$venv/pins.txt"; then
  echo "$("$venv/bin/schemathesis" --version) is installed in $venv"
  exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv" || {
  echo 'python3 -m venv failed: install python3 and its venv module (Debian: apt-get install python3-venv)' >&2
  exit 1
}
"$venv/bin/pip" install --quiet --disable-pip-version-check --requirement "$pins"
cp "$pins" "$venv/pins.txt"
"$venv/bin/schemathesis" --version
