#!/usr/bin/env bash
# One command: set up, ingest the bundled corpus (only what changed), open the chat UI.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
source scripts/env.sh
# A file that cannot be read is refused in one line and the others are ingested (exit 1):
# serve what the store holds all the same (the chat says so if that is nothing).
.venv/bin/assistant ingest corpus --prune ||
  echo "run.sh: ingest reported the problems above; serving what the store holds" >&2
exec .venv/bin/assistant serve "$@"
