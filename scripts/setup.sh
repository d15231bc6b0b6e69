#!/usr/bin/env bash
# Creates .venv and installs everything the console needs (idempotent).
# Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> Criando o ambiente virtual (.venv)"
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "--dev" ]; then
  echo "==> Instalando dependências (com as de teste)"
  .venv/bin/pip install --quiet -r requirements-dev.txt
else
  echo "==> Instalando dependências"
  .venv/bin/pip install --quiet -r requirements.txt
fi

# Reflex downloads bun from the internet by default; take it from the npm registry instead.
if ! command -v bun >/dev/null 2>&1; then
  echo "==> Instalando bun (npm)"
  npm install -g --allow-scripts=bun bun >/dev/null 2>&1 || npm install -g bun >/dev/null
fi
bun --version >/dev/null
mkdir -p data
