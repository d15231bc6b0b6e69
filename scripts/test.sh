#!/usr/bin/env bash
# The test command: dev dependencies, the servers, lint (ruff, import contracts), then unit + integration + browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
scripts/services.sh
export REFLEX_USE_SYSTEM_BUN=1
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache --no-logo
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
