"""The core library works without the optional ``ui`` and ``eval`` packages, and whatever
needs one of them says which extra to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import AssistantError
from assistant.extras import EXTRAS, MissingExtraError, require_extra
from tests.conftest import BRIEFING, ROOT

OPTIONAL_MODULES = sorted({module for modules, _ in EXTRAS.values() for module in modules})


@pytest.mark.unit
def test_installed_extras_pass() -> None:
    for extra in EXTRAS:
        require_extra(extra)


@pytest.mark.unit
def test_a_missing_extra_names_itself_and_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "gradio", None)
    with pytest.raises(MissingExtraError) as caught:
        require_extra("ui")
    assert str(caught.value) == (
        "The chat UI (assistant serve) needs the optional 'ui' packages (gradio not installed): "
        "run ./scripts/setup.sh, or pip install -e '.[ui]' -c constraints.txt"
    )
    # One line from the CLI, and still an ImportError for library callers.
    assert isinstance(caught.value, AssistantError)
    assert isinstance(caught.value, ImportError)


@pytest.mark.unit
def test_an_unknown_extra_is_named() -> None:
    named = r"extra must be one of ui, eval, llm\. Currently, it is 'gui'"
    with pytest.raises(ValueError, match=named):
        require_extra("gui")


@pytest.mark.integration
def test_ingest_and_ask_need_no_optional_package(tmp_path: Path) -> None:
    script = f"""
import sys
for name in {OPTIONAL_MODULES!r}:
    sys.modules[name] = None  # import fails as if not installed
from assistant.cli import main
store = {str(tmp_path / "store")!r}
assert main(["--store", store, "ingest", {str(BRIEFING)!r}]) == 0
assert main(["--store", store, "ask", "Who attended the parade?"]) == 0
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Xi Jinping" in done.stdout
    assert "Warning" not in done.stderr
