"""Reason: "Why does the US criticise China?", "How come Dulcross still has no power?" — the
sentence that gives the reason, after the one that reports what is asked about.

The reason is in the sentence that reports what is asked about (the best the cross-encoder
scored), or right around it (the one before, the ``after`` after, in its passage), or in
another sentence scored within ``margin`` of it — the first of these that gives a cause: a
causal word ("because", "due to", "as a result", "led to", "blamed", …) or a clause the parser
marks as giving a cause or a purpose ("after Sowande resigned", "since the gates opened", "to
keep beds free"). It is quoted with the best sentence when that one is another (what is
asked about, then why). When none gives a cause, the answer is a precise refusal: the
documents report it (the best sentence, cited) but not why — and the abstention gate still
decides whether even that is on the question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.candidates import Candidate, cite, in_order, lead_in, ranked_sentences, same
from assistant.answer.citations import with_marker
from assistant.answer.reader import ABSTAINING, CROSS_ENCODER_LOGIT, Draft, ReadRequest
from assistant.documents.chunking import fold
from assistant.language.lexicon import CAUSAL
from assistant.protocols import Parser

_CAUSAL = re.compile(CAUSAL, re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReasonPolicy:
    """The reason reader's numbers (chosen on the suite's dev halves)."""

    # Sentences after the best one (in its passage) read for its reason; other sentences
    # within ``margin`` of the best.
    after: int = 2
    margin: float = 2.0
    max_sentences: int = 3


class ReasonReader:
    """A ``Reader`` for why-questions (see the module's words)."""

    def __init__(self, parser: Parser, policy: ReasonPolicy | None = None) -> None:
        self.parser = parser
        self.policy = policy or ReasonPolicy()

    def read(self, request: ReadRequest) -> Draft:
        candidates = ranked_sentences(request.passages)
        if not candidates:
            return ABSTAINING
        best = candidates[0]
        cause = next(
            (
                c
                for c in self._near(best, candidates)
                if self.gives_cause(c.text, asked=same(c, best))
            ),
            None,
        )
        if cause is None:
            citations = cite([best])
            return Draft(
                with_marker(fold(best.text), 1),
                citations,
                abstained=True,
                score=best.score,
                score_kind=CROSS_ENCODER_LOGIT,
                lead="The documents do not say why; they report:",
            )
        chosen = self._with_context(best, cause)
        citations = cite(chosen)
        return Draft(
            " ".join(with_marker(fold(c.quote), c.marker) for c in citations),
            citations,
            abstained=False,
            score=best.score,
            score_kind=CROSS_ENCODER_LOGIT,
        )

    def _near(self, best: Candidate, candidates: Sequence[Candidate]) -> list[Candidate]:
        """Where the reason for what the best sentence reports can be: that sentence, the one
        before it and the ``after`` after it in its passage (scored or not), then the other
        candidates within ``margin`` of it, best first."""
        chunk, index = best.passage.chunk, best.index
        around = [
            Candidate(best.score, best.passage, i)
            for i in range(
                max(0, index - 1), min(len(chunk.sentences), index + 1 + self.policy.after)
            )
        ]
        around.sort(key=lambda c: (c.index != index, c.index < index, c.index))
        others = [
            c for c in candidates
            if c.score >= best.score - self.policy.margin and not any(same(c, a) for a in around)
        ]  # fmt: skip
        return [*around, *others]

    def gives_cause(self, sentence: str, *, asked: bool = False) -> bool:
        """Does the sentence give a cause or a purpose? ``asked``: it is the sentence that
        reports what is asked about, where an "as" clause gives the cause too ("Security
        remains tight … as authorities brace for strikes")."""
        if _CAUSAL.search(sentence):
            return True
        analysis = self.parser.analyse(sentence)
        return analysis.gives_cause or (asked and analysis.as_clause)

    def _with_context(self, best: Candidate, cause: Candidate) -> list[Candidate]:
        """The cause, the sentence it leans on (its "It" or "He"), and the best sentence when
        it is another: in document order, at most ``max_sentences``."""
        chosen: list[Candidate] = [cause]
        lead = lead_in(cause)
        if lead is not None:
            chosen.insert(0, lead)
        if not any(same(best, c) for c in chosen) and len(chosen) < self.policy.max_sentences:
            chosen.append(best)
        return in_order(chosen)
