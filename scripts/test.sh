#!/usr/bin/env bash
# The test command: dev dependencies, the servers, lint (ruff, import contracts), then unit + integration + browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
scripts/services.sh
export REFLEX_USE_SYSTEM_BUN=1
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache --no-logo
.venv/bin/python -m pytest -p no:cacheprovider "$@"
if [ $# -eq 0 ]; then  # the whole run: also each bundled plugin's own tests, from its folder as its author runs them
  for tests in plugins/*/tests; do
    (cd "$(dirname "$tests")" && ../../.venv/bin/python -m pytest -q -p no:cacheprovider tests)
  done
fi
