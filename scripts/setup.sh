#!/usr/bin/env bash
# Create .venv and install the project with every extra (ui, eval, llm) and its dev tools, torch
# pinned by constraints.txt; re-installs only when pyproject.toml or constraints.txt changed.
# Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "setup: Python 3.11 is required (found $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing packages (first time: a few minutes; log in .venv/install.log)"
  # constraints.txt pins torch to 2.13.0 exactly: the CPU build.
  if ! { .venv/bin/python -m pip install --upgrade pip &&
         .venv/bin/python -m pip install -e '.[ui,eval,llm,dev]' -c constraints.txt; } \
       > .venv/install.log 2>&1; then
    tail -n 30 .venv/install.log >&2
    echo "setup: installing packages failed (full log: .venv/install.log)" >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi
