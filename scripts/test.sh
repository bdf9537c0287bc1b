#!/usr/bin/env bash
# One command: set up (venv, packages, Debian chromium for the browser tests) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
if [ ! -x /usr/bin/chromium ]; then
  echo "test: installing Debian chromium for the browser tests"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
source scripts/env.sh
.venv/bin/ruff check assistant ui tests benchmarks
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
