#!/usr/bin/env bash
# One command: set up, ingest the bundled corpus (only what changed), open the chat UI.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
source scripts/env.sh
.venv/bin/assistant ingest corpus --prune
exec .venv/bin/assistant serve "$@"
