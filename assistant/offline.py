"""Keep every library we use from reaching the network."""

from __future__ import annotations

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def ensure_offline() -> None:
    """Set the variables that switch off hub look-ups, telemetry and analytics (idempotent)."""
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value
