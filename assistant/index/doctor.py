"""``assistant doctor``: does the store agree with itself, and if not, what repairs it.

Checks, each reported in one line: Chroma's database opens and its vector index answers (in a
child process, see ``assistant.index.probe``); every file the manifest lists has exactly its chunks
and no file was left half-written; the lexical index holds, for every chunk id, the words of
that chunk's text (order-sensitive: a row under the wrong id is caught); the sentence index
(``assistant.index.sentences``, given a library) is readable and indexes the files the store
lists, from the chunks it lists. The repairs write, so they are the corpus service's
(``Corpus.repair``, ``assistant.index.corpus``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.errors import MissingStoreError, ReadOnlyStoreError, StoreError
from assistant.index import probe
from assistant.index.chroma_client import read_only, read_only_message
from assistant.index.follow import one_line
from assistant.index.lexical import tokenize
from assistant.index.manifest import FileEntry

if TYPE_CHECKING:
    from assistant.answerers.library import IndexedLibrary
    from assistant.protocols import Store

logger = logging.getLogger(__name__)

REBUILD = "assistant ingest --rebuild CORPUS"
REPAIR = "assistant doctor --repair"
INGEST = "assistant ingest CORPUS"
WRITABLE = "chmod -R u+w STORE (or copy the store somewhere writable)"


@dataclass(frozen=True, slots=True)
class Finding:
    """One check: what it looked at, whether it passed, and what repairs it when not."""

    check: str
    ok: bool
    detail: str
    repair: str = ""

    def line(self) -> str:
        if self.ok:
            return f"ok       {self.check}: {self.detail}"
        return f"DAMAGED  {self.check}: {self.detail} → run '{self.repair}'"


def diagnose(store: Store, library: IndexedLibrary | None = None) -> list[Finding]:
    """Every check's finding (the sentence index's with ``library``). The database and
    vector index are opened in a child process first: when they are damaged, touching them
    here could crash this process."""
    if not store.chroma_url and (store.store_dir / "chroma.sqlite3").is_file():
        result = probe.finish(probe.start(store.store_dir, store.collection_name))
        if not result.ok and read_only(result.problem):
            message = read_only_message(store.store_dir)
            return [Finding("database and vector index", False, message, WRITABLE)]
        if not result.ok:
            return [Finding("database and vector index", False, result.problem, REBUILD)]
    try:
        count = store.count()
        entries = store.entries()
    except MissingStoreError as exc:
        return [Finding("database and vector index", False, str(exc), INGEST)]
    except ReadOnlyStoreError as exc:
        return [Finding("database and vector index", False, str(exc), WRITABLE)]
    except StoreError as exc:
        return [Finding("database and vector index", False, str(exc), REBUILD)]
    findings = [
        Finding("database and vector index", True, f"{count} chunks, {len(entries)} files"),
        _files(store, entries),
        _lexical(store, entries),
    ]
    if library is not None:
        findings.append(_sentences(store, library, entries))
    return findings


def file_problems(store: Store, entries: dict[str, FileEntry]) -> dict[str, str]:
    """Source → what is wrong with its chunks (files being written count as wrong)."""
    stored = store.chunk_ids_by_source()
    problems: dict[str, str] = {}
    for source, entry in entries.items():
        have, want = stored.get(source, set()), set(entry.chunk_ids)
        if entry.state == "writing":
            problems[source] = "an ingest stopped while writing it"
        elif entry.state == "complete" and have != want:
            problems[source] = (
                f"{len(want - have)} of its {len(want)} chunks are missing"
                if want - have
                else f"{len(have - want)} chunks are not in its record"
            )
    for source in sorted(set(stored) - set(entries)):
        problems[source] = "its chunks are in the store but the manifest does not list it"
    return problems


def _files(store: Store, entries: dict[str, FileEntry]) -> Finding:
    if not store.has_manifest:
        return Finding("files", True, "store from before the manifest: the next ingest records it")
    problems = file_problems(store, entries)
    if not problems:
        return Finding("files", True, f"all {len(entries)} files complete")
    first = sorted(problems)[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return Finding("files", False, f"{first}: {problems[first]}{more}", f"{REPAIR}' then '{INGEST}")


def lexical_problem(store: Store, entries: dict[str, FileEntry]) -> str:
    """What is wrong with the lexical index ("" when nothing)."""
    try:
        index = store.lexical(repair=False)  # found, reported, then repaired by --repair
        index.check()
        indexed = index.sources()
        wanted = {s: e for s, e in entries.items() if e.state != "writing"}
        if set(indexed) != set(wanted):
            return f"indexes {len(indexed)} files, the manifest lists {len(wanted)}"
        for source, entry in wanted.items():
            if indexed[source] != entry.digest:
                return f"{source} is indexed with other chunks than the store has"
        ids = index.ids()
        listed = {i for e in wanted.values() for i in e.chunk_ids}
        if set(ids) != listed:
            return f"holds {len(ids)} chunks, the manifest lists {len(listed)}"
        tokens = index.tokens(ids)
        texts = store.texts(ids)
        for chunk_id in ids:
            if chunk_id in texts and tokens.get(chunk_id) != " ".join(tokenize(texts[chunk_id])):
                return f"chunk {chunk_id[:12]}… is indexed under the words of another text"
    except Exception as exc:  # a damaged index file: reported, then rebuilt by --repair
        return f"unreadable ({one_line(exc)})"
    return ""


def _lexical(store: Store, entries: dict[str, FileEntry]) -> Finding:
    problem = lexical_problem(store, entries)
    if problem:
        return Finding("lexical index", False, problem, REPAIR)
    return Finding("lexical index", True, "agrees with the store, chunk by chunk")


def _sentences(store: Store, library: IndexedLibrary, entries: dict[str, FileEntry]) -> Finding:
    problem = library.problem(entries)
    if problem:
        return Finding("sentence index", False, problem, REPAIR)
    if not store.sentences_path.is_file():
        return Finding("sentence index", True, "not built yet (the first reader's question does)")
    return Finding("sentence index", True, "readable, indexes the files the store lists")
