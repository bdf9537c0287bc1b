"""Shared fixtures: real models, a real Chroma store in a temp dir, the bundled briefing."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from assistant.offline import OFFLINE_ENV

for _key, _value in OFFLINE_ENV.items():
    os.environ[_key] = _value
# Derived model files (the ONNX query model) go to a folder of this test session's own,
# removed when the session's process ends (each is ~90 MB).
_CACHE_DIR = tempfile.mkdtemp(prefix="assistant-test-cache-")
os.environ["ASSISTANT_CACHE_DIR"] = _CACHE_DIR
atexit.register(shutil.rmtree, _CACHE_DIR, ignore_errors=True)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
BRIEFING = CORPUS / "briefing.txt"
DEV_SET = ROOT / "eval" / "qa" / "briefing.jsonl"
PARADE_SENTENCE = (
    "Victory Day celebrations have drawn global attention, with Xi Jinping attending the parade "
    "in Red Square on May 9."
)


@pytest.fixture(scope="session")
def briefing_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the bundled briefing ingested once for the whole session."""
    from assistant.app import Assistant

    store = tmp_path_factory.mktemp("briefing-store")
    Assistant(store_dir=store).ingest([CORPUS / "briefing.txt"])
    return store


@pytest.fixture(scope="session")
def bot(briefing_store: Path) -> object:
    from assistant.app import Assistant

    return Assistant(store_dir=briefing_store)


@pytest.fixture
def fresh_bot(tmp_path: Path) -> object:
    """An assistant over an empty store of its own."""
    from assistant.app import Assistant

    return Assistant(store_dir=tmp_path / "store")
