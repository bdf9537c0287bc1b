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
# llama.cpp's server for the llm mode's integration test: compiled once (5 min on idle cores,
# longer on busy ones; pip keeps the wheel), re-installed when the pins change.
stamp=.venv/.llm-server-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "test: installing llama.cpp's server for the llm test (first time: compiles, 5-25 min)"
  if ! CMAKE_ARGS="-DGGML_NATIVE=OFF" .venv/bin/python -m pip install -e '.[llm-server]' \
       -c constraints.txt >> .venv/install.log 2>&1; then
    tail -n 30 .venv/install.log >&2
    echo "test: installing llama.cpp's server failed (full log: .venv/install.log)" >&2
    exit 1
  fi
  rm -f .venv/.llm-server-*
  touch "$stamp"
fi
source scripts/env.sh
.venv/bin/ruff check assistant ui tests benchmarks
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
