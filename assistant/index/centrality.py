"""How central each sentence of a document is: continuous LexRank over TF-IDF sentence vectors.

LexRank (Erkan & Radev, 2004) ranks a document's sentences as a random walk over their
similarity graph: a sentence is central when it is similar to many sentences that are
central themselves. The continuous form weighs each link by the two sentences' cosine
(links under ``LINK_THRESHOLD`` dropped): in a short document the binary form ties nearly
every sentence. Vectors are TF-IDF over stemmed content words, IDF taken over the
document's own sentences (so a document's centrality never depends on the others, and
ingesting one file touches no other). Above ``MAX_GRAPH`` sentences the graph grows with the
square of their number; there each sentence's similarity to the document's centroid stands in
(centroid summarisation, Radev et al., 2004).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from assistant.index.lexical import tokenize

# Sentences at most this similar (cosine) do not link in the graph.
LINK_THRESHOLD = 0.1
DAMPING = 0.85
MAX_GRAPH = 600
_ITERATIONS = 100
_TOLERANCE = 1e-6


def tfidf(sentences: Sequence[str]) -> np.ndarray:
    """Unit-length TF-IDF rows, one per sentence (a row of zeros for a sentence without
    content words)."""
    tokens = [tokenize(s) for s in sentences]
    vocabulary: dict[str, int] = {}
    for words in tokens:
        for word in words:
            vocabulary.setdefault(word, len(vocabulary))
    matrix = np.zeros((len(sentences), max(len(vocabulary), 1)), dtype=np.float64)
    document_frequency = Counter(w for words in tokens for w in set(words))
    n = len(sentences)
    for row, words in enumerate(tokens):
        for word, count in Counter(words).items():
            idf = math.log((1 + n) / (1 + document_frequency[word])) + 1
            matrix[row, vocabulary[word]] = count * idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: np.ndarray = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    return unit


def centrality(sentences: Sequence[str]) -> list[float]:
    """Each sentence's centrality in its document, scaled so the most central is 1.0 (0.0
    for a sentence without content words; [] for no sentence)."""
    if not sentences:
        return []
    vectors = tfidf(sentences)
    if len(sentences) > MAX_GRAPH:
        centroid = vectors.sum(axis=0)
        norm = float(np.linalg.norm(centroid))
        scores = vectors @ (centroid / norm) if norm else np.zeros(len(sentences))
    else:
        scores = _lexrank(vectors)
    top = float(scores.max()) if len(scores) else 0.0
    empty = ~vectors.any(axis=1)
    scaled = scores / top if top > 0 else scores
    scaled[empty] = 0.0
    return [float(round(value, 6)) for value in scaled]


def _lexrank(vectors: np.ndarray) -> np.ndarray:
    n = len(vectors)
    similarity = vectors @ vectors.T
    links = np.where(similarity > LINK_THRESHOLD, similarity, 0.0)
    np.fill_diagonal(links, 0.0)  # a sentence like no other is central to nothing
    degree = links.sum(axis=1, keepdims=True)
    transition = np.divide(links, degree, out=np.full_like(links, 1 / n), where=degree > 0)
    scores = np.full(n, 1 / n)
    for _ in range(_ITERATIONS):
        updated = (1 - DAMPING) / n + DAMPING * (transition.T @ scores)
        done = float(np.abs(updated - scores).sum()) < _TOLERANCE
        scores = updated
        if done:
            break
    result: np.ndarray = scores
    return result
