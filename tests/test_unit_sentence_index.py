"""Fast unit tests of the sentence index (assistant/index/sentences.py) over synthetic chunks
and a fake NER, and of sentence centrality (assistant/index/centrality.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest

import assistant.index.centrality as centrality_module
from assistant.documents.chunking import chunk_document
from assistant.documents.loading import content_hash
from assistant.index.centrality import MAX_GRAPH, centrality, tfidf
from assistant.index.follow import SyncReport
from assistant.index.manifest import FileEntry, State
from assistant.index.sentences import SentenceIndex, layout
from assistant.types import Chunk, Document, Span
from tests.fakes import NO_ENTITIES, GazetteerRecognizer, make_chunk

pytestmark = pytest.mark.unit

NER = GazetteerRecognizer(
    {
        "Xi Jinping": "PERSON",
        "Kim Jong Un": "PERSON",
        "Moscow": "GPE",
        "Holmvik": "GPE",
        "Friday": "DATE",
    }
)

# --- centrality -------------------------------------------------------------------------------

HARBOUR = [
    "The harbour cranes stopped after the storm hit the port.",
    "Dockers said the harbour cranes would restart on Monday.",
    "The storm flooded the port road and the harbour gates.",
    "Port officials expect the cranes to move cargo again soon.",
    "Storm damage at the port gates is being repaired.",
]


def test_tfidf_rows_are_unit_length_and_a_sentence_without_content_words_is_zero() -> None:
    vectors = tfidf([*HARBOUR, "It is what it is."])
    norms = np.linalg.norm(vectors, axis=1)
    assert np.allclose(norms[:-1], 1.0)
    assert norms[-1] == 0.0
    assert tfidf([]).shape == (0, 1)


def test_the_sentence_most_like_the_others_is_the_most_central() -> None:
    scores = centrality(HARBOUR)
    assert scores[0] == 1.0  # harbour, cranes, storm, port: it shares words with every other
    assert max(scores) == 1.0
    assert all(0.0 < s < 1.0 for s in scores[1:])
    # The order of the sentences changes nothing but the order of the scores.
    assert centrality(HARBOUR[::-1]) == scores[::-1]


def test_centrality_of_nothing_and_of_sentences_without_content_words() -> None:
    assert centrality([]) == []
    assert centrality(["It is what it is."]) == [0.0]
    scores = centrality([*HARBOUR[:2], "It is, and that is that."])
    assert scores[2] == 0.0
    assert max(scores) == 1.0


def test_a_sentence_like_no_other_is_less_central_than_those_linked_to_the_rest() -> None:
    scores = centrality([*HARBOUR, "A bakery opened in town."])
    assert scores[-1] < min(scores[:-1])


def test_above_max_graph_each_sentence_scores_its_similarity_to_the_centroid() -> None:
    topics = ["harbour cranes", "storm damage", "port gates", "cargo ships", "road repairs"]
    sentences = [
        f"The {topics[i % 5]} report {i} mentions {topics[(i * 3) % 5]} again."
        for i in range(MAX_GRAPH + 1)
    ]
    vectors = tfidf(sentences)
    centroid = vectors.sum(axis=0)
    expected = vectors @ (centroid / np.linalg.norm(centroid))
    expected = expected / expected.max()
    assert np.allclose(centrality(sentences), expected, atol=1e-6)


def test_the_centroid_stands_in_only_above_max_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = centrality(HARBOUR)
    vectors = tfidf(HARBOUR)
    centroid = vectors.sum(axis=0)
    by_centroid = vectors @ (centroid / np.linalg.norm(centroid))
    by_centroid = by_centroid / by_centroid.max()
    assert not np.allclose(graph, by_centroid, atol=1e-3)  # the two ways differ here
    monkeypatch.setattr(centrality_module, "MAX_GRAPH", len(HARBOUR))
    assert centrality(HARBOUR) == graph  # at MAX_GRAPH: still the graph
    monkeypatch.setattr(centrality_module, "MAX_GRAPH", len(HARBOUR) - 1)
    assert np.allclose(centrality(HARBOUR), by_centroid, atol=1e-6)


# --- the sentence index -----------------------------------------------------------------------


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SentenceIndex]:
    opened = SentenceIndex(tmp_path / "sentences.sqlite3", NER)
    yield opened
    opened.close()


def entry(source: str, chunks: Sequence[Chunk], *, state: State = "complete") -> FileEntry:
    return FileEntry(source, f"hash-{source}", tuple(c.id for c in chunks), state=state)


def fetcher(*groups: Sequence[Chunk]) -> Mapping[str, Chunk]:
    return {c.id: c for group in groups for c in group}


def sync(
    index: SentenceIndex, generation: str, documents: Mapping[str, Sequence[Chunk]]
) -> SyncReport | None:
    entries = {source: entry(source, chunks) for source, chunks in documents.items()}
    store = fetcher(*documents.values())
    return index.sync(generation, entries, lambda ids: {i: store[i] for i in ids if i in store})


PORT = [
    make_chunk("The harbour cranes stopped. Xi Jinping visited Moscow.", source="port.txt"),
    make_chunk(
        "Dockers met Kim Jong Un on Friday. The harbour reopened.",
        source="port.txt", start=60, paragraph=2,
    ),
]  # fmt: skip
RIVER = [make_chunk("The river rose in Holmvik. Pumps failed overnight.", source="river.txt")]


def test_sync_indexes_new_sources_and_reports_what_it_added(index: SentenceIndex) -> None:
    assert index.generation == ""
    report = sync(index, "g1", {"port.txt": PORT, "river.txt": RIVER})
    assert report is not None
    assert (report.generation, report.sources_added, report.sources_removed) == ("g1", 2, 0)
    assert report.chunks_added == 3
    assert index.generation == "g1"
    assert index.sources() == ["port.txt", "river.txt"]
    sentences = index.sentences("port.txt")
    assert [s.text for s in sentences] == [
        "The harbour cranes stopped.", "Xi Jinping visited Moscow.",
        "Dockers met Kim Jong Un on Friday.", "The harbour reopened.",
    ]  # fmt: skip
    assert [s.position for s in sentences] == [0, 1, 2, 3]
    assert [s.paragraph for s in sentences] == [1, 1, 2, 2]
    assert [s.chunk for s in sentences] == [PORT[0].id, PORT[0].id, PORT[1].id, PORT[1].id]
    assert (sentences[2].start, sentences[2].end) == (60, 60 + len(sentences[2].text))


def test_sync_of_the_same_generation_does_nothing(index: SentenceIndex) -> None:
    sync(index, "g1", {"port.txt": PORT})
    # Even with other entries: the generation says nothing changed.
    assert sync(index, "g1", {"river.txt": RIVER}) is None
    assert index.sources() == ["port.txt"]


def test_sync_redoes_a_changed_source_and_drops_a_gone_one(index: SentenceIndex) -> None:
    sync(index, "g1", {"port.txt": PORT, "river.txt": RIVER})
    river_before = index.sentences("river.txt")
    changed = [make_chunk("The harbour is closed again.", source="port.txt")]
    report = sync(index, "g2", {"port.txt": changed, "river.txt": RIVER})
    assert report is not None
    assert (report.sources_added, report.sources_removed) == (1, 0)
    assert [s.text for s in index.sentences("port.txt")] == ["The harbour is closed again."]
    assert index.sentences("river.txt") == river_before  # untouched
    assert index.containing("cranes") == []  # the old sentences are gone from the words too
    assert [m.text for m in index.mentions(["PERSON"])] == []  # and their mentions
    report = sync(index, "g3", {"river.txt": RIVER})
    assert report is not None
    assert (report.sources_added, report.sources_removed) == (0, 1)
    assert index.sources() == ["river.txt"]
    assert index.sentences("port.txt") == []
    assert index.containing("harbour") == []


def test_a_file_being_written_is_left_out_until_complete(index: SentenceIndex) -> None:
    store = fetcher(PORT, RIVER)
    entries = {"port.txt": entry("port.txt", PORT, state="writing"),
               "river.txt": entry("river.txt", RIVER)}  # fmt: skip
    index.sync("g1", entries, lambda ids: {i: store[i] for i in ids})
    assert index.sources() == ["river.txt"]


def test_chunk_ids_the_store_lacks_are_reported_missing(index: SentenceIndex) -> None:
    entries = {"port.txt": entry("port.txt", PORT)}
    report = index.sync("g1", entries, lambda ids: {PORT[0].id: PORT[0]})
    assert report is not None
    assert report.missing == (PORT[1].id,)
    assert [s.text for s in index.sentences("port.txt")] == [
        "The harbour cranes stopped.",
        "Xi Jinping visited Moscow.",
    ]


def test_overlapping_chunks_share_their_sentences(index: SentenceIndex) -> None:
    text = "One crane fell. Two cranes stood. Three cranes rusted."
    whole = make_chunk(text, source="c.txt")
    tail = Chunk("c.txt#tail", "c.txt", 1, 16, len(text), text[16:], whole.sentences[1:])
    sync(index, "g1", {"c.txt": [whole, tail]})
    assert [s.text for s in index.sentences("c.txt")] == [
        "One crane fell.",
        "Two cranes stood.",
        "Three cranes rusted.",
    ]


@pytest.mark.parametrize(
    ("text", "layout_"),
    [
        ("## Timeline", True),
        ("# Port of Holmvik", True),
        # a title is a heading where the chunker placed it (a paragraph of its own), not
        # wherever it stands: see test_headings_are_the_ones_the_chunker_placed below
        ("Museum Opens at Mill", False),
        ("| Gate | Status |", True),
        ("|---|---|", True),
        ("| North gate | open | 2 cranes |", True),
        # a row too long for a title, ending like no sentence: a table's, by its cells
        (
            "| North gate | open to lorries and buses since the second of May, after the "
            "crews finished the repairs |",
            True,
        ),
        # a byline or credit line
        ("By Jane Smith", True),
        ("Published 3 May 2024, updated 4 May", True),
        ("Photo: Reuters", True),
        ("Photo: Jane Smith (Reuters)", True),  # ends like a sentence: a credit by its word
        ("By noon the river had risen, and the harbour closed.", False),
        ("The harbour reopened on Monday.", False),
        ("Prices rose - sharply, said the port.", False),
        ("Is the harbour open?", False),
    ],
)
def test_layout(text: str, layout_: bool) -> None:
    assert layout(text) is layout_


def test_headings_and_table_rows_are_flagged_without_centrality_or_mentions(
    index: SentenceIndex,
) -> None:
    chunks = [
        make_chunk("## Moscow Talks", source="m.md", paragraph=1),
        make_chunk("Xi Jinping visited Moscow. The talks lasted a day.", source="m.md",
                   start=16, paragraph=2),
        make_chunk("| Moscow | Friday |", source="m.md", start=70, paragraph=3),
    ]  # fmt: skip
    sync(index, "g1", {"m.md": chunks})
    sentences = index.sentences("m.md")
    assert [s.heading for s in sentences] == [True, False, False, True]
    assert next(s.centrality for s in sentences) == sentences[3].centrality == 0.0
    assert max(s.centrality for s in sentences) == 1.0
    named = {m.sentence.position for m in index.mentions()}
    assert named == {1}  # the heading and the table row name Moscow: no mention counted


def test_the_first_sentence_of_a_list_item_is_flagged_marker_in_the_sentence(
    index: SentenceIndex,
) -> None:
    chunks = [
        make_chunk("- Power: about 41,000 homes lost electricity. Crews worked overnight.",
                   source="l.md"),
        make_chunk("2. Restore power to the hospital first.", source="l.md", start=80,
                   paragraph=2),
        make_chunk("Prices rose - sharply, said the port.", source="l.md", start=130,
                   paragraph=3),
        make_chunk("* Water: two pumps failed.\n* Roads: the bridge is shut.", source="l.md",
                   start=170, paragraph=4),
    ]  # fmt: skip
    sync(index, "g1", {"l.md": chunks})
    flagged = [(s.text, s.item) for s in index.sentences("l.md")]
    assert flagged == [
        ("- Power: about 41,000 homes lost electricity.", True),
        ("Crews worked overnight.", False),  # the item's second sentence
        ("2. Restore power to the hospital first.", True),
        ("Prices rose - sharply, said the port.", False),  # a dash inside a sentence
        ("* Water: two pumps failed.", True),
        ("* Roads: the bridge is shut.", True),
    ]


def test_a_list_item_is_flagged_when_its_marker_is_outside_the_sentence(
    index: SentenceIndex,
) -> None:
    # A loader that leaves the marker out of the sentence: "- " stands before the span.
    text = "- Water: two pumps failed.\n-  Roads: the bridge is shut. It opens Friday."
    pieces = ["Water: two pumps failed.", "Roads: the bridge is shut.", "It opens Friday."]
    spans = tuple(Span(100 + text.index(p), 100 + text.index(p) + len(p)) for p in pieces)
    chunk = Chunk("l#1", "l.md", 1, 100, 100 + len(text), text, spans)
    assert chunk.sentence_texts() == (
        "Water: two pumps failed.",
        "Roads: the bridge is shut.",
        "It opens Friday.",
    )
    sync(index, "g1", {"l.md": [chunk]})
    assert [s.item for s in index.sentences("l.md")] == [True, True, False]


def test_mentions_are_at_document_offsets(index: SentenceIndex) -> None:
    prefix = "x" * 200
    body = "Xi Jinping visited Moscow. In Moscow, Xi Jinping met Kim Jong Un on Friday."
    document = prefix + body
    sync(index, "g1", {"d.txt": [make_chunk(body, source="d.txt", start=len(prefix))]})
    mentions = index.mentions()
    assert [(m.text, m.label) for m in mentions] == [
        ("Xi Jinping", "PERSON"), ("Moscow", "GPE"), ("Moscow", "GPE"),
        ("Xi Jinping", "PERSON"), ("Kim Jong Un", "PERSON"), ("Friday", "DATE"),
    ]  # fmt: skip
    for mention in mentions:
        assert document[mention.start : mention.end] == mention.text
        assert mention.sentence.start <= mention.start < mention.end <= mention.sentence.end
    assert mentions[1].start != mentions[2].start  # the second Moscow is its own
    assert [m.text for m in index.mentions(["PERSON"])] == ["Xi Jinping", "Xi Jinping",
                                                            "Kim Jong Un"]  # fmt: skip
    assert index.mentions([]) == []


def test_mentions_come_in_document_order_across_sources(index: SentenceIndex) -> None:
    sync(index, "g1", {"river.txt": RIVER, "port.txt": PORT})
    assert [(m.sentence.source, m.text) for m in index.mentions()] == [
        ("port.txt", "Xi Jinping"), ("port.txt", "Moscow"), ("port.txt", "Kim Jong Un"),
        ("port.txt", "Friday"), ("river.txt", "Holmvik"),
    ]  # fmt: skip


def test_containing_a_phrase_or_all_its_words(index: SentenceIndex) -> None:
    chunks = [
        make_chunk("The harbour cranes stopped. Cranes at the harbour rusted.", source="a.txt"),
        make_chunk(
            "The crane in Zürich fell. HARBOUR CRANES restarted. The harbour closed.",
            source="b.txt",
        ),
    ]
    sync(index, "g1", {"a.txt": chunks[:1], "b.txt": chunks[1:]})

    def texts(words: str, limit: int = 500, *, phrase: bool = True) -> list[str]:
        return [s.text for s in index.containing(words, limit, phrase=phrase)]

    assert texts("harbour cranes") == ["The harbour cranes stopped.", "HARBOUR CRANES restarted."]
    assert texts("harbour cranes", phrase=False) == [
        "The harbour cranes stopped.", "Cranes at the harbour rusted.", "HARBOUR CRANES restarted.",
    ]  # fmt: skip
    assert texts("crane") == ["The crane in Zürich fell."]  # whole words only
    assert texts("zurich") == ["The crane in Zürich fell."]  # accents folded
    assert texts("harbour", limit=1) == ["The harbour cranes stopped."]
    assert texts("closed harbour", phrase=False) == ["The harbour closed."]
    assert texts("?!") == []
    # Quotes, stars and OR are no query syntax: only the words count.
    assert texts('harbour" cranes*') == texts("harbour cranes")
    assert texts("harbour OR cranes") == []


def test_central_gives_each_sources_most_central_sentences(index: SentenceIndex) -> None:
    river = [make_chunk(" ".join(HARBOUR[::-1]), source="h.txt")]
    sync(index, "g1", {"h.txt": river, "river.txt": RIVER})
    top = index.central(1)
    assert [(s.source, s.text) for s in top] == [
        ("h.txt", HARBOUR[0]), ("river.txt", top[1].text)
    ]  # fmt: skip
    assert top[1].centrality == 1.0
    two = index.central(2)
    assert [s.source for s in two] == ["h.txt", "h.txt", "river.txt", "river.txt"]
    assert two[0].centrality >= two[1].centrality


def test_clear_empties_the_index_and_its_generation(index: SentenceIndex) -> None:
    sync(index, "g1", {"port.txt": PORT})
    index.clear()
    assert (index.sources(), index.generation, index.mentions()) == ([], "", [])
    assert index.containing("harbour") == []
    assert sync(index, "g1", {"port.txt": PORT}) is not None  # caught up again from scratch


def test_a_damaged_file_raises_a_database_error(tmp_path: Path) -> None:
    path = tmp_path / "sentences.sqlite3"
    path.write_bytes(b"this is not a database, only some words " * 200)
    damaged = SentenceIndex(path, NER)
    with pytest.raises(sqlite3.DatabaseError):
        damaged.sources()


def test_an_index_of_an_unknown_version_raises_a_database_error(tmp_path: Path) -> None:
    path = tmp_path / "sentences.sqlite3"
    first = SentenceIndex(path, NER)
    sync(first, "g1", {"port.txt": PORT})
    first.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'sentences-0' WHERE key = 'version'")
    db.close()
    reopened = SentenceIndex(path, NER)
    with pytest.raises(sqlite3.DatabaseError, match="unknown sentence index version"):
        reopened.generation  # noqa: B018
    # Its own version opens.
    with sqlite3.connect(path) as db:
        from assistant.index.sentences import SCHEMA_VERSION

        db.execute("UPDATE meta SET value = ? WHERE key = 'version'", (SCHEMA_VERSION,))
    db.close()
    assert SentenceIndex(path, NER).sources() == ["port.txt"]


# --- headings as the chunker placed them; a rebuild in place ------------------------------


def _chunks(text: str, source: str = "doc.txt") -> list[Chunk]:
    document = Document(source, text, content_hash(text))
    return chunk_document(document, chunk_size=5, chunk_overlap=1)


def _index(path: Path, chunks: list[Chunk], generation: str = "g1") -> SentenceIndex:
    index = SentenceIndex(path, NO_ENTITIES)
    by_id = {c.id: c for c in chunks}
    entry = FileEntry(chunks[0].source, "h", tuple(by_id), "complete")
    index.sync(generation, {entry.source: entry}, lambda ids: {i: by_id[i] for i in ids})
    return index


def test_headings_are_the_ones_the_chunker_placed_not_every_short_line(tmp_path: Path) -> None:
    text = (
        "Corran Point Lighthouse\n\n"
        "The lighthouse was built in 1850. It was rebuilt by Quillon Marr in 1887\n\n"
        "The Zephyr lighthouse was rebuilt by Quillon Marr in 1887. click me\n\n"
        "## Keepers\n\n| Name | Years |\n|---|---|"
    )
    index = _index(tmp_path / "s.sqlite3", _chunks(text))
    shown = {s.text: s.heading for s in index.sentences("doc.txt")}
    assert shown == {
        "Corran Point Lighthouse": True,
        "The lighthouse was built in 1850.": False,
        "It was rebuilt by Quillon Marr in 1887": False,  # a paragraph's own last sentence
        "The Zephyr lighthouse was rebuilt by Quillon Marr in 1887. click me": False,
        "## Keepers": True,
        "| Name | Years |\n|---|---|": True,  # layout
    }


def test_a_rebuild_writes_over_the_same_file_that_others_have_open(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    old = _chunks("Ferries ran until 1932.", "old.txt")
    other = _index(path, old)  # another reader, its connection open
    assert other.sources() == ["old.txt"]
    inode = path.stat().st_ino
    new = _chunks("Trams crossed from 1905.", "new.txt")
    entry = FileEntry("new.txt", "h2", (new[0].id,), "complete")
    SentenceIndex(path, NO_ENTITIES).rebuild(
        "g2", {"new.txt": entry}, lambda ids: {new[0].id: new[0]}
    )
    assert path.stat().st_ino == inode
    assert other.generation == "g2"
    assert [s.text for s in other.sentences("new.txt")] == ["Trams crossed from 1905."]
    assert other.sources() == ["new.txt"]
    other.check()
    assert other.digests() == {"new.txt": entry.digest}
