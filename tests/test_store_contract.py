"""One contract for the searches the retriever runs (``assistant.index.search.Search``), held
by every implementation: the embedded ``ChunkStore`` in a temp dir, a ``ChunkStore`` on a real
``chroma run`` server, and the in-memory fake the unit tests use (``tests/fakes.py``).

Each holds the same chunks with the same vectors (a keyword embedder's, so every similarity is
known); the real stores are written as an ingest writes them (``Corpus.write``). The fake runs
in the unit tier, the real stores in the integration tier."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.index.manifest import FileEntry
from assistant.index.search import Hit
from assistant.protocols import Search, StemCounts
from assistant.types import Chunk, Span
from tests.fakes import InMemoryStore, KeywordEmbedder, make_chunk

EMBEDDER = KeywordEmbedder(("harbour", "ferry", "parade", "banquet", "lighthouse", "rain"))


def _chunks() -> tuple[Chunk, ...]:
    ferry = make_chunk("The ferry left the harbour at dawn.", source="harbour.txt", id="ferry")
    rain = make_chunk("Rain closed the harbour by noon.", source="harbour.txt", start=36, id="rain")
    parade = make_chunk(
        "The parade crossed Red Square before the banquet.", source="parade.txt", id="parade"
    )
    banquet = make_chunk("Guests praised the banquet.", source="parade.txt", start=50, id="banquet")
    keeper = make_chunk(
        "Isobel Marr keeps the lighthouse. She lights the lamp at dusk.",
        source="coast/lighthouse.pdf",
        start=120,
        paragraph=3,
        id="keeper",
    )
    # Every field a chunk carries, set: what goes in comes back out.
    keeper = Chunk(
        id=keeper.id,
        source=keeper.source,
        paragraph=keeper.paragraph,
        start=keeper.start,
        end=keeper.end,
        text=keeper.text,
        sentences=keeper.sentences,
        document_hash="c0ffee",
        section=("Coast", "Corran Point"),
        pages=(4, 5),
    )
    return ferry, rain, parade, banquet, keeper


FERRY, RAIN, PARADE, BANQUET, KEEPER = CHUNKS = _chunks()
BY_ID = {c.id: c for c in CHUNKS}


def _write(store_dir: Path, chroma_url: str | None) -> Search:
    """A real store holding ``CHUNKS``, written through the corpus service as an ingest
    writes (records marked, chunks added, records completed, the lexical index caught up)."""
    from assistant.app import Assistant

    bot = Assistant(store_dir=store_dir, chroma_url=chroma_url)
    records = [
        FileEntry(source, f"hash-{source}", tuple(c.id for c in CHUNKS if c.source == source))
        for source in dict.fromkeys(c.source for c in CHUNKS)
    ]
    with bot.store.ingest_lock():  # as an ingest: the collection made first, then written
        bot.store.collection(create=True)
        bot.corpus.write(
            [r.marked("writing") for r in records],
            gone=[],
            deletes=[],
            adds=CHUNKS,
            embeddings=EMBEDDER.embed_documents([c.text for c in CHUNKS]),
            moved=[],
            records=records,
            after={r.source: r for r in records},
            batch=2,
        )
    return bot.store


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("embedded", marks=pytest.mark.integration),
        pytest.param("server", marks=[pytest.mark.integration, pytest.mark.server]),
        pytest.param("fake", marks=pytest.mark.unit),
    ],
)
def search(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Search:
    kind = request.param
    if kind == "fake":
        return InMemoryStore(list(CHUNKS), EMBEDDER)
    url = request.getfixturevalue("chroma_url") if kind == "server" else None
    return _write(tmp_path_factory.mktemp(f"contract-{kind}"), url)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / (math.hypot(*a) * math.hypot(*b))


# A query vector of no chunk's direction, at a cosine distinct from each chunk's (no ties):
# rain (0.9+0.7) > ferry (0.9+0.5) > parade (0.3+0.2) over sqrt 2, then banquet, keeper.
QUERY = (0.9, 0.5, 0.3, 0.2, 0.1, 0.7)
BEST_FIRST = ["rain", "ferry", "parade", "banquet", "keeper"]


# --- dense search ------------------------------------------------------------------------


def test_dense_search_ranks_every_chunk_by_cosine_similarity_best_first(search: Search) -> None:
    found = search.dense_search(QUERY, 5)
    assert [chunk.id for chunk, _ in found] == BEST_FIRST
    vectors = dict(zip(BY_ID, EMBEDDER.embed_documents([c.text for c in CHUNKS]), strict=True))
    for chunk, similarity in found:
        assert similarity == pytest.approx(cosine(QUERY, vectors[chunk.id]), abs=1e-5)


def test_dense_search_is_cosine_not_dot_product(search: Search) -> None:
    longer = [5 * x for x in QUERY]
    assert [(c.id, pytest.approx(s, abs=1e-5)) for c, s in search.dense_search(longer, 5)] == [
        (c.id, s) for c, s in search.dense_search(QUERY, 5)
    ]


def test_a_chunks_own_vector_finds_it_first_with_similarity_one(search: Search) -> None:
    for chunk, vector in zip(
        CHUNKS, EMBEDDER.embed_documents([c.text for c in CHUNKS]), strict=True
    ):
        (first, similarity), *_ = search.dense_search(vector, 1)
        assert first.id == chunk.id
        assert similarity == pytest.approx(1.0, abs=1e-5)


def test_dense_search_returns_k_chunks_or_every_chunk_when_there_are_fewer(
    search: Search,
) -> None:
    assert [c.id for c, _ in search.dense_search(QUERY, 2)] == BEST_FIRST[:2]
    assert [c.id for c, _ in search.dense_search(QUERY, 50)] == BEST_FIRST


def test_dense_search_returns_the_chunks_as_they_were_stored(search: Search) -> None:
    assert {c.id: c for c, _ in search.dense_search(QUERY, 5)} == BY_ID


# --- chunks by id ------------------------------------------------------------------------


def test_get_returns_the_chunks_it_has_by_id_and_leaves_out_the_rest(search: Search) -> None:
    assert search.get(["keeper", "no-such-chunk", "ferry"]) == {"keeper": KEEPER, "ferry": FERRY}
    assert search.get(["no-such-chunk"]) == {}
    assert search.get([]) == {}


def test_every_field_of_a_chunk_comes_back(search: Search) -> None:
    keeper = search.get(["keeper"])["keeper"]
    assert keeper.section == ("Coast", "Corran Point")
    assert keeper.pages == (4, 5)
    assert keeper.document_hash == "c0ffee"
    assert (keeper.source, keeper.paragraph, keeper.start, keeper.end) == (
        "coast/lighthouse.pdf",
        3,
        120,
        120 + len(KEEPER.text),
    )
    assert keeper.sentences == (Span(120, 153), Span(154, 182))
    assert keeper.sentence_texts() == (
        "Isobel Marr keeps the lighthouse.",
        "She lights the lamp at dusk.",
    )


# --- lexical search ----------------------------------------------------------------------


def ids(hits: list[Hit]) -> list[str]:
    return [hit.chunk_id for hit in hits]


def test_a_word_of_one_chunk_finds_that_chunk_alone(search: Search) -> None:
    assert ids(search.bm25_search("lighthouse", 5)) == ["keeper"]


def test_a_chunk_with_more_of_the_querys_words_ranks_higher(search: Search) -> None:
    hits = search.bm25_search("ferry harbour", 5)
    assert ids(hits) == ["ferry", "rain"]
    assert hits[0].score > hits[1].score > 0


def test_words_match_whatever_their_case_and_inflection(search: Search) -> None:
    assert ids(search.bm25_search("FERRIES", 5)) == ["ferry"]
    assert set(ids(search.bm25_search("Harbours", 5))) == {"ferry", "rain"}
    assert ids(search.bm25_search("praising guests", 5)) == ["banquet"]


def test_words_in_no_chunk_and_stop_words_find_nothing(search: Search) -> None:
    assert search.bm25_search("zeppelin", 5) == []
    # "the" and "at" are in most chunks, but say nothing about any of them.
    assert search.bm25_search("the at by", 5) == []
    assert search.bm25_search("", 5) == []


def test_lexical_hits_are_at_most_k_best_first_and_chunks_the_store_has(search: Search) -> None:
    every = search.bm25_search("harbour banquet lighthouse", 10)
    assert set(ids(every)) == {"ferry", "rain", "parade", "banquet", "keeper"}
    assert len(set(ids(every))) == len(every)
    scores = [hit.score for hit in every]
    assert scores == sorted(scores, reverse=True)
    assert all(score > 0 for score in scores)
    assert set(search.get(ids(every))) == set(ids(every))
    assert search.bm25_search("harbour banquet lighthouse", 2) == every[:2]


def test_stem_counts_say_in_how_many_chunks_each_stem_stands(search: Search) -> None:
    assert isinstance(search, StemCounts)
    counts = search.stem_counts(["harbour", "lighthous", "banquet", "zeppelin", "the"])
    assert counts == {"harbour": 2, "lighthous": 1, "banquet": 2}
    assert search.stem_counts([]) == {}
