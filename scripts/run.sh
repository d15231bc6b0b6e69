#!/usr/bin/env bash
# One command: install, migrate, seed the demo shop, and serve the console.
#
#   scripts/run.sh          production build on ONE port (default 3000; PORT=8080 to change)
#   scripts/run.sh --dev    hot reload for developers: frontend on FRONTEND_PORT (3000), backend on
#                           BACKEND_PORT (8000); only the source folders are watched, so database
#                           writes under data/ never restart the backend.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=prod
[ "${1:-}" = "--dev" ] && MODE=dev
scripts/setup.sh
export REFLEX_USE_SYSTEM_BUN=1
.venv/bin/auzap db upgrade
.venv/bin/auzap demo seed
if [ "$MODE" = prod ]; then
  export FRONTEND_PORT=${PORT:-${FRONTEND_PORT:-3000}}
  export BACKEND_PORT=$FRONTEND_PORT  # the production build serves pages and the backend on one port
  NOTE="(a primeira execução compila a interface: 1 a 3 minutos)"
else
  export FRONTEND_PORT=${FRONTEND_PORT:-3000} BACKEND_PORT=${BACKEND_PORT:-8000}
  export REFLEX_HOT_RELOAD_OVERRIDE_PATHS="auzap_console:plugins"
  NOTE="(modo de desenvolvimento: recarrega ao editar auzap_console/ e plugins/)"
fi
cat <<MSG

  AuZap Console: http://localhost:${FRONTEND_PORT}/   ${NOTE}
  Login de demonstração: demo@auzap.com.br / demo12345
  (gerente@auzap.com.br e atendente@auzap.com.br, mesma senha)

MSG
exec .venv/bin/reflex run --env "$MODE"
