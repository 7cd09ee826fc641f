#!/usr/bin/env bash
# One command to run every check: installs what the tests need, then lint, types and the whole
# test suite (SQLite and the PostgreSQL at 127.0.0.1:5432, the Telegram emulator end to end).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
.venv/bin/ruff check --no-cache bot intents tests bench
.venv/bin/ruff format --no-cache --check bot intents tests bench
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
