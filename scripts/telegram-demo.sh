#!/usr/bin/env bash
# The Telegram demo in one command, no token needed: installs what it needs, starts the
# telegram-test-api emulator and the real bot against it, and plays a student and staff.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
exec .venv/bin/python -m tests.e2e.demo
