"""The store check's two ways into Chroma: the native bindings (fast) and the public client
(the only one whose verdict is reported). Real stores in temp dirs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import probe


def test_the_native_check_reads_what_chromas_client_reads(briefing_store: Path) -> None:
    native = probe._NativeCollection(str(briefing_store), "briefings")
    public = probe._ChromaCollection(str(briefing_store), "briefings")
    count = public.count()
    assert count > 1
    assert native.count() == count
    for offset in (0, count - 1):
        vector = public.sample(offset)
        assert vector is not None
        assert native.sample(offset) == pytest.approx(vector)
        assert native.finds(vector, 3)
        assert public.finds(vector, 3)
    assert native.sample(count) is None
    assert public.sample(count) is None


def test_a_healthy_store_is_checked_without_chromas_client(
    briefing_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("the public client was not needed")

    monkeypatch.setattr(probe._ChromaCollection, "__init__", refuse)
    result = probe._check(str(briefing_store), "briefings")
    assert result["problem"] is None
    assert int(str(result["count"])) > 1


def test_when_the_native_bindings_fail_chromas_client_decides(
    briefing_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise TypeError("Bindings() got an unexpected keyword argument")

    monkeypatch.setattr(probe._NativeCollection, "__init__", broken)
    result = probe._check(str(briefing_store), "briefings")
    assert result["problem"] is None
    assert int(str(result["count"])) > 1


def test_a_problem_is_reported_in_chromas_own_words(
    briefing_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert probe.main([str(briefing_store), "no-such-collection"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {"problem": "Collection [no-such-collection] does not exist"}
