#!/usr/bin/env bash
# One command: install, migrate, seed the demo shop, and serve the console (local mode by default).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export REFLEX_USE_SYSTEM_BUN=1
.venv/bin/auzap db upgrade
.venv/bin/auzap demo seed
PORT=${FRONTEND_PORT:-3000}
cat <<MSG

  AuZap Console: http://localhost:${PORT}/
  Login de demonstração: demo@auzap.com.br / demo12345
  (gerente@auzap.com.br e atendente@auzap.com.br, mesma senha)

MSG
exec .venv/bin/reflex run --env "${REFLEX_ENV:-dev}"
