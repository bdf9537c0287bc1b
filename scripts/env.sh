# Sourced by the scripts (and by you, for a shell that has `assistant` on its PATH):
# the project's venv first, and nothing may reach the network at run time.
_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
export PATH="$_root/.venv/bin:$PATH"
unset _root
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
export ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False TOKENIZERS_PARALLELISM=false
