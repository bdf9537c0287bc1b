# Sourced by the scripts: nothing may reach the network at run time.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
export ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False TOKENIZERS_PARALLELISM=false
