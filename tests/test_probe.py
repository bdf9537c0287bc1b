"""The store check's two ways into Chroma: the native bindings (fast) and the public client
(the only one whose verdict is reported). Real stores in temp dirs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.index import chroma_client, probe
from assistant.index.chroma_client import ChromaCollection, NativeCollection


@pytest.mark.integration
def test_the_native_check_reads_what_chromas_client_reads(briefing_store: Path) -> None:
    native = NativeCollection(str(briefing_store), "briefings")
    public = ChromaCollection(str(briefing_store), "briefings")
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


@pytest.mark.integration
def test_records_read_natively_are_chromas_own_page_by_page(briefing_store: Path) -> None:
    from assistant.index.chroma_client import EmbeddedChroma, client_settings

    chroma = EmbeddedChroma.at(briefing_store).client(client_settings())
    for name in ("briefings", "briefings__files"):
        got = chroma.get_collection(name, embedding_function=None).get(include=["metadatas"])
        expected = list(zip(got["ids"], got["metadatas"], strict=True))
        assert len(expected) > 1
        native = NativeCollection(str(briefing_store), name)
        for page in (1, 3, 2000):
            assert native.records(page=page) == expected
    entries = chroma_client.read_records(briefing_store, "briefings__files")
    assert entries is not None
    assert [i for i, _ in entries if i.startswith("file:")] == ["file:briefing.txt"]
    assert chroma_client.read_records(briefing_store, "no-such-collection") is None


@pytest.mark.integration
@pytest.mark.parametrize(
    "unavailable",
    [
        # A healthy store is checked without the public client (its 1 s of imports) ...
        pytest.param("public", id="healthy-store-needs-no-public-client"),
        # ... and when the private native bindings fail, the public client decides.
        pytest.param("native", id="failing-native-bindings-leave-it-to-chroma"),
    ],
)
def test_either_way_in_alone_checks_a_healthy_store(unavailable: str, briefing_store: Path) -> None:
    def broken(store_dir: str, name: str) -> probe.Collection:
        raise TypeError("Bindings() got an unexpected keyword argument")

    result = probe.check(str(briefing_store), "briefings", **{unavailable: broken})
    assert result["problem"] is None
    assert int(str(result["count"])) > 1


@pytest.mark.integration
def test_a_problem_is_reported_in_chromas_own_words(
    briefing_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert probe.main([str(briefing_store), "no-such-collection"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {"problem": "Collection [no-such-collection] does not exist"}


@pytest.mark.integration
def test_a_store_without_its_tenant_is_not_called_healthy(
    briefing_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The public client refuses a store whose default tenant is gone; so must the check."""
    import shutil
    import sqlite3

    store = tmp_path / "store"
    shutil.copytree(briefing_store, store)
    with sqlite3.connect(store / "chroma.sqlite3") as db:
        db.execute("DELETE FROM tenants")
    probe.main([str(store), "briefings"])
    assert "tenant" in str(json.loads(capsys.readouterr().out)["problem"]).lower()


@pytest.mark.integration
@pytest.mark.parametrize(
    ("variables", "dotenv", "given"),
    [
        ({"MIGRATIONS_HASH_ALGORITHM": "sha256"}, None, True),
        ({"chroma_api_impl": "x"}, None, True),
        ({}, "OPENAI_API_KEY=sk\nexport migrations = validate\n", True),
        ({}, "OPENAI_API_KEY=sk\n# MIGRATIONS=none\n", False),
        ({}, "'CHROMA_SEGMENT_CACHE_POLICY'=LRU\n", True),
        ({}, '"chroma_memory_limit_bytes" = 1000\n', True),
        ({}, "\"CHROMA_X'=1\n", False),  # mismatched quotes: not a name Chroma reads
        ({"ANONYMIZED_TELEMETRY": "False"}, None, False),
    ],
)
def test_chroma_settings_given_leave_the_check_to_chromas_client(
    variables: dict[str, str],
    dotenv: str | None,
    given: bool,
    briefing_store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chroma reads its settings from the environment and ./.env; the native path opens a
    store with the defaults, so it steps aside whenever one is set."""
    for key in [k for k in os.environ if chroma_client.is_chroma_setting(k)]:
        monkeypatch.delenv(key)
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv)
    assert chroma_client.chroma_settings_given() is given

    class Asked(Exception):
        pass

    def ask_chroma(store_dir: str, name: str) -> probe.Collection:
        raise Asked

    if given:
        with pytest.raises(Asked):
            probe.check(str(briefing_store), "briefings", public=ask_chroma)
    else:
        assert probe.check(str(briefing_store), "briefings", public=ask_chroma)["problem"] is None


@pytest.mark.integration
def test_first_calls_from_several_threads_share_one_check(briefing_store: Path) -> None:
    """One thread collects the check's child; the others wait for its verdict (racing on it
    called a healthy store damaged)."""
    import threading

    from assistant.index.store import ChunkStore

    for _ in range(3):
        store = ChunkStore(briefing_store, collection="briefings")
        outcomes: list[str] = []

        def first_call(store: ChunkStore = store, outcomes: list[str] = outcomes) -> None:
            try:
                outcomes.append(f"count {store.count()}")
            except Exception as exc:
                outcomes.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=first_call) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(outcomes)) == 1, outcomes
        assert outcomes[0].startswith("count ")


@pytest.mark.integration
def test_a_write_after_a_reopen_is_noticed_too(tmp_path: Path) -> None:
    """Each question compares the store's generation with the one its vector index holds;
    after a re-open that is the generation that caused it, not whatever comes next."""
    from assistant.index.chroma_client import EmbeddedChroma

    chroma = EmbeddedChroma(tmp_path)
    assert not chroma.stale("g1")  # the first look: nothing to compare with
    assert chroma.stale("g2")  # another process wrote
    chroma.reopen()
    assert chroma.stale("g3")  # and wrote again before the next question
    chroma.reopen()
    assert not chroma.stale("g3")
