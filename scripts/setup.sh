#!/usr/bin/env bash
# Installs everything Front Desk needs into ./.venv (and the Telegram emulator for the tests).
# Safe to run again: it installs only what is missing or not at its pin in constraints.txt
# (scripts/pin.sh), so every machine matches questions as the fitted matcher was measured.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=${1:-}
python=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -qq --disable-pip-version-check --upgrade pip
# -qq: errors still show (and fail the script); setuptools' notice that an editable install
# imports through a finder, ten lines on every start, does not.
if [ "$want_tests" = "--tests" ]; then
  .venv/bin/python -m pip install -qq --disable-pip-version-check -c constraints.txt -e ".[embeddings,test]"
  if [ -f package.json ]; then
    npm ci --silent --no-audit --no-fund
  fi
else
  .venv/bin/python -m pip install -qq --disable-pip-version-check -c constraints.txt -e ".[embeddings]"
fi
