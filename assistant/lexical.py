"""BM25 (bm25s) over chunk texts, persisted as a folder with the ids it was built from."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"\w+", re.UNICODE)
_IDS_FILE = "ids.json"


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN) | {"did", "does", "do", "what", "who", "whom", "which", "how"}


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop-word-free, Snowball-stemmed word tokens."""
    stop = _stopwords()
    words = [w for w in _TOKEN.findall(text.lower()) if w not in stop]
    stems: list[str] = _stemmer().stemWords(words)
    return stems


def fingerprint(ids: Iterable[str]) -> str:
    """Order-independent digest of a set of chunk ids: equal iff the corpora are equal."""
    digest = hashlib.sha256()
    for chunk_id in sorted(ids):
        digest.update(chunk_id.encode())
        digest.update(b"\n")
    return digest.hexdigest()


class Bm25Index:
    """A bm25s index whose row ``i`` is chunk ``ids[i]``."""

    def __init__(self, ids: Sequence[str], model: Any) -> None:
        self.ids = tuple(ids)
        self._model = model

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str]) -> Bm25Index:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        model = bm25s.BM25()
        if ids:
            model.index([tokenize(t) or ["\x00"] for t in texts], show_progress=False)
        return cls(ids, model)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.ids)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to ``k`` ``(chunk id, score)`` pairs with a positive score, best first."""
        tokens = tokenize(query)
        if not self.ids or not tokens:
            return []
        docs, scores = self._model.retrieve(
            [tokens], k=min(k, len(self.ids)), show_progress=False, n_threads=1
        )
        return [
            (self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0
        ]

    def save(self, folder: Path) -> None:
        """Write atomically: a reader sees the old index or the new one, never half of one."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bm25-", dir=folder.parent))
        if self.ids:
            self._model.save(str(tmp))
        (tmp / _IDS_FILE).write_text(json.dumps(list(self.ids)), encoding="utf-8")
        old = folder.with_name(folder.name + ".old")
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> Bm25Index | None:
        """The saved index, or None when there is none or it cannot be read."""
        import bm25s

        try:
            ids = json.loads((folder / _IDS_FILE).read_text(encoding="utf-8"))
            model = bm25s.BM25.load(str(folder)) if ids else bm25s.BM25()
        except (OSError, ValueError) as exc:
            logger.info("no usable BM25 index at %s (%s)", folder, exc)
            return None
        return cls(ids, model)
