#!/usr/bin/env bash
# One command to try Front Desk: installs it, then starts it on the embedded defaults
# (SQLite file ./frontdesk.db, the demo KB in ./kb, the terminal chat unless
# FRONTDESK_TELEGRAM_TOKEN is set). Extra arguments go to `frontdesk run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/frontdesk run "$@"
