#!/usr/bin/env bash
# Makes sure PostgreSQL, Redis and Chromium are present for the tests: uses the servers on
# 127.0.0.1:5432/6379 when they answer, otherwise installs/starts them.
set -euo pipefail

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null || true; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "==> PostgreSQL não responde; instalando/iniciando"
  command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql postgresql-client
  ver=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
  if [ -z "$ver" ]; then apt_install postgresql; ver=$(ls /etc/postgresql | sort -n | tail -1); fi
  conf=/etc/postgresql/$ver/main/pg_hba.conf
  grep -q "auzap-tests" "$conf" 2>/dev/null || {
    printf '# auzap-tests\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust\n' | cat - "$conf" > /tmp/pg_hba && cp /tmp/pg_hba "$conf"
  }
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || pg_ctlcluster --skip-systemctl-redirect "$ver" main restart
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
fi

if ! (command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1); then
  echo "==> Redis não responde; instalando/iniciando"
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 1; done
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "==> Instalando Chromium"
  apt_install chromium
fi
# Emoji glyphs in screenshots (the agents answer with emojis).
if ! (fc-list 2>/dev/null | grep -qi "emoji"); then
  apt_install fonts-noto-color-emoji || echo "(sem fonte de emoji: as capturas de tela mostram quadrados)"
fi
