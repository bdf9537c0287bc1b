"""Short answers read off a cited sentence: the entity, number or date of the kind the
question asks for, or Yes/No from the evidence. Every rule is extractive: a short answer is a
span of the sentence, or (Yes/No) a verdict with the span that decided it.

- A span answer is an entity of a fitting label (spaCy's NER), or a number or date found by
  pattern when the NER has none, that the question does not already give ("How many
  passengers in 2024?" is not answered by "2024") and no negation denies ("not Kim Jong
  Un"). Among several, the one in the clause holding most of the question's words wins
  ("… in 1891 she became the first woman admitted to the Guild", not "… her apprenticeship
  in 1890"), then the better-fitting label, then the one nearest to the question's words
  (the summit "in Moscow", not the "North Korea" the statement is about).
- Yes/No: "No" when a clause of a cited sentence holds both a negation cue ("not", "never",
  "n't", "declined", "stayed away", …) and one of the question's words ("…, not Kim Jong
  Un"); "Yes" when no cited sentence has such a clause and the best one holds all of the
  question's names and numbers and at least half of its other words; otherwise no verdict
  (the sentences answer alone).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.index.lexical import tokenize
from assistant.language.labels import PLACE_LABELS, SHORT_LABELS, WHEN_LABELS, AnswerType
from assistant.language.lexicon import (
    CLAUSE_CONJUNCTIONS,
    CONTENTLESS,
    LEAD_WORDS,
    MONTH_NAMES,
    NEGATION_CUES,
    PLACE_PREPOSITIONS,
    SPELT_FIGURE,
    WEEKDAY_NAMES,
)
from assistant.policy import POLICY
from assistant.protocols import EntityRecognizer
from assistant.retrieve.similarity import key_terms, word_set

# A figure in digits or words, with what it counts when a word follows ("4.31 metres").
_NUMBER = re.compile(
    rf"(?:\b(?:over|about|around|nearly|almost|some|more than|less than|fewer than|up to)\s)?"
    rf"(?:[$£€]\s?)?(?:\d[\d,.]*\d|\d|\b(?:{SPELT_FIGURE})(?:[\s-](?:{SPELT_FIGURE}))*\b)"
    rf"(?:\s?%|\s(?:per ?cent|percent|million|billion|thousand))?",
    re.IGNORECASE,
)
_DATE = re.compile(
    rf"\b(?:(?:on |in )?(?:\d{{1,2}} )?(?:{MONTH_NAMES})(?: \d{{1,2}})?(?:,? \d{{4}})?|"
    rf"{WEEKDAY_NAMES}|1\d{{3}}|20\d{{2}})\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+(?:['’]\w+)?")

# What turns a clause round (``NEGATION_CUES``).
NEGATION = re.compile(NEGATION_CUES, re.IGNORECASE)
# Where a clause ends: punctuation, and conjunctions that start a new assertion.
_CLAUSE_BREAK = re.compile(rf",(?!\d)|[;:()—–]|\s-\s|\b(?:{CLAUSE_CONJUNCTIONS})\b", re.IGNORECASE)
# A place right after a preposition is where something happened ("in Moscow"), not who did
# it: no answer to a question for a person or an organisation.
WHERE = re.compile(rf"\b(?:{PLACE_PREPOSITIONS})\s+(?:the\s+)?$", re.IGNORECASE)
_AGENTS = frozenset({AnswerType.PERSON, AnswerType.ORGANIZATION})


@dataclass(frozen=True, slots=True)
class Found:
    """A short answer inside one sentence: ``text`` and its span ``[start, end)`` there, and
    what found it (``basis``: "entity", "pattern", "phrase", "verdict")."""

    text: str
    start: int
    end: int
    basis: str = ""
    # How many other spans of the kind asked for the sentences hold (a guess among several).
    rivals: int = 0


def _words(text: str) -> list[tuple[int, int, str]]:
    """Each word with its span and its stem ("" for a stop word)."""
    found = []
    for match in _WORD.finditer(text):
        stems = tokenize(match.group(0))
        found.append((match.start(), match.end(), stems[0] if stems else ""))
    return found


def _question_stems(question: str) -> frozenset[str]:
    return frozenset(tokenize(question))


def _given(text: str, question: str) -> bool:
    """Does the question already say ``text`` (all of its words)?"""
    words = word_set(text)
    return bool(words) and words <= word_set(question)


def _candidates(
    sentence: str, kind: AnswerType, recognizer: EntityRecognizer
) -> tuple[list[tuple[int, int, int]], int]:
    """(start, end, label rank) of every span that could answer ``kind``: entities of its
    labels (for an amount, not a date that is only a year, day or month), else numbers or
    dates found by pattern; and how many more spans could answer it though not offered (a
    place after "at"/"of" for a who-question — "at the request of the United States" —, a
    number the recognizer missed beside one it found: "holds 2,300 people in a building meant
    for 800"), which make a picked span less sure."""
    labels = SHORT_LABELS.get(kind, ())
    spans: list[tuple[int, int, int]] = []
    found: list[tuple[int, int]] = []
    unoffered = 0
    cursor = 0
    for entity in recognizer.entities(sentence):
        at = sentence.find(entity.text, cursor)
        if at < 0:
            at = sentence.find(entity.text)
            if at < 0:
                continue
        else:
            cursor = at + len(entity.text)
        found.append((at, at + len(entity.text)))
        if entity.label not in labels:
            continue
        if kind in _AGENTS and entity.label in PLACE_LABELS and WHERE.search(sentence[:at]):
            unoffered += 1
            continue
        if (
            kind is AnswerType.NUMBER
            and entity.label in WHEN_LABELS
            and _DATE.fullmatch(entity.text)
        ):
            continue
        spans.append((at, at + len(entity.text), labels.index(entity.label)))
    pattern = _NUMBER if kind is AnswerType.NUMBER else _DATE if kind is AnswerType.DATE else None
    if spans:
        if kind is AnswerType.NUMBER:
            unoffered += sum(
                1
                for m in _NUMBER.finditer(sentence)
                if not any(a < m.end() and m.start() < b for a, b in found)
            )
        return spans, unoffered
    if pattern is None:
        return [], unoffered
    return [(m.start(), m.end(), len(labels)) for m in pattern.finditer(sentence)], unoffered


def _distance(first: int, last: int, anchors: Sequence[int]) -> int:
    """Words from the span (its first and last word) to the nearest anchor word outside it;
    0 when there is none."""
    gaps = [a - last if a > last else first - a for a in anchors if not first <= a <= last]
    return min(gaps, default=0)


def _clauses(sentence: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for match in _CLAUSE_BREAK.finditer(sentence):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(sentence)))
    return [(a, b) for a, b in spans if sentence[a:b].strip()]


@dataclass(frozen=True, slots=True)
class _Scored:
    key: tuple[int, int, int, int, int, int]
    index: int
    found: Found


def _spans_of(
    index: int,
    sentence: str,
    kind: AnswerType,
    said: str,
    stems: frozenset[str],
    recognizer: EntityRecognizer,
) -> tuple[list[_Scored], int]:
    """The sentence's scored spans, and how many more could answer though not offered."""
    words = _words(sentence)
    # Distances are counted in words: the indices of the question's words in the sentence.
    anchors = [i for i, (_, _, stem) in enumerate(words) if stem and stem in stems]

    def word_index(offset: int) -> int:
        return next((i for i, (_, end, _) in enumerate(words) if offset < end), len(words))

    clauses = _clauses(sentence)
    spans, unoffered = _candidates(sentence, kind, recognizer)
    scored = []
    for start, end, rank in spans:
        text = sentence[start:end].strip(" ,.;:")
        if not text or _given(text, said):
            continue
        offset = sentence.index(text, start)
        lo, hi = next(((a, b) for a, b in clauses if a <= offset < b), (0, len(sentence)))
        if NEGATION.search(sentence[lo:offset]):
            continue  # "…, not Kim Jong Un": named as what is not the case
        support = len({stem for a, _, stem in words if lo <= a < hi and stem in stems})
        first, last = word_index(offset), word_index(offset + len(text) - 1)
        # A name that shares a name with the question ("Tarrow Island" for a question about
        # the Tarrow cooperative) is more likely what it is about than what it asks for.
        overlap = int(bool(word_set(text) & key_terms(said)))
        key = (overlap, -support, rank, _distance(first, last, anchors), index, offset)
        basis = "pattern" if rank == len(SHORT_LABELS.get(kind, ())) else "entity"
        scored.append(_Scored(key, index, Found(text, offset, offset + len(text), basis)))
    return scored, unoffered


def pick_span(
    questions: Sequence[str],
    sentences: Sequence[str],
    kind: AnswerType,
    recognizer: EntityRecognizer,
) -> tuple[int, Found] | None:
    """The span that answers a question of ``kind``, and the index of the sentence holding
    it. Among the fitting entities (or numbers or dates by pattern) that the questions do
    not already give and no negation denies: one that shares no name with the question,
    then the one whose clause holds most of the question's words, then of the best-fitting
    label, then nearest to a word of the question, then in the better-ranked sentence.
    ``questions``: the question as typed (what it gives), then its resolved forms (more
    words to be near); ``sentences``: best first."""
    if kind not in SHORT_LABELS or not questions:
        return None
    said = questions[0]  # what the user said; the borrowed context may hold the answer
    stems = _question_stems(" ".join(questions))
    scored: list[_Scored] = []
    unoffered = 0
    for index, sentence in enumerate(sentences):
        spans, missed = _spans_of(index, sentence, kind, said, stems, recognizer)
        scored += spans
        unoffered += missed
    if not scored:
        return None
    best = min(scored, key=lambda c: c.key)
    return best.index, replace(best.found, rivals=len(scored) - 1 + unoffered)


# A phrase answer gets ``POLICY.follow_bonus`` extra words' worth for following a word of the
# question ("opposed NATO's presence …"): what a question asks about comes after what it names.


def gap_span(question: str, sentence: str) -> Found | None:
    """For a question that names no kind of answer ("What did Putin and Xi oppose in East
    Asia?"): the run of the sentence's words that are not the question's, within a clause,
    holding the most content words (a run right after a word of the question counts
    ``POLICY.follow_bonus`` more, twice that after the question's last word the sentence holds),
    with its lead-in words ("for", "with", …) trimmed — "NATO's presence and any nuclear
    deployments". None when the sentence holds no word of the
    question, or no run a content word."""
    order = tokenize(question)
    stems = frozenset(order)
    words = _words(sentence)
    asked = [bool(stem) and stem in stems for _, _, stem in words]
    if not any(asked):
        return None
    # The question's last word the sentence holds: what the question asks comes after it
    # ("What did the leaders call for?" → after "called").
    held = {stem for _, _, stem in words}
    final = next((stem for stem in reversed(order) if stem in held), "")
    best: tuple[int, int, int] | None = None  # (score, first word, last word)
    for lo, hi in _clauses(sentence):
        inside = [i for i, (a, _, _) in enumerate(words) if lo <= a < hi]
        runs: list[list[int]] = [[]]
        for i in inside:
            if asked[i]:
                runs.append([])
            else:
                runs[-1].append(i)
        for run in runs:
            if not run:
                continue
            before = run[0] - 1
            follows = before in inside and asked[before]
            bonus = (
                (2 * POLICY.follow_bonus if words[before][2] == final else POLICY.follow_bonus)
                if follows
                else 0
            )
            while run and _text(sentence, words, run[0]).lower() in LEAD_WORDS:
                run.pop(0)
            while run and _text(sentence, words, run[-1]).lower() in LEAD_WORDS:
                run.pop()
            content = sum(
                1
                for j in run
                if words[j][2] and _text(sentence, words, j).lower() not in CONTENTLESS
            )
            score = content + bonus
            if content and (best is None or score >= best[0]):  # a tie: the later run
                best = (score, run[0], run[-1])
    if best is None:
        return None
    start, end = words[best[1]][0], words[best[2]][1]
    # A quotation is a phrase of its own: a run that opens one ends where it closes
    # ("“unilateral coercive measures” and military pressure" → the quoted words).
    closer = _CLOSING.get(sentence[start - 1]) if start else None
    if closer is not None and closer in sentence[start:end]:
        end = sentence.index(closer, start)
    return Found(sentence[start:end], start, end, "phrase")


_CLOSING = {"“": "”", "‘": "’", '"': '"', "«": "»"}


def _text(sentence: str, words: list[tuple[int, int, str]], index: int) -> str:
    return sentence[words[index][0] : words[index][1]]


def negated(question: str, sentence: str) -> Found | None:
    """The first clause of ``sentence`` that holds a negation cue and a word of the question
    ("not Kim Jong Un" for "Did Kim Jong Un go?"), trimmed; None when there is none."""
    stems = _question_stems(question)
    for start, end in _clauses(sentence):
        clause = sentence[start:end]
        if not NEGATION.search(clause):
            continue
        if any(stem in stems for _, _, stem in _words(clause) if stem):
            lead = len(clause) - len(clause.lstrip())
            text = clause.strip(" .!?")
            return Found(text, start + lead, start + lead + len(text), "verdict")
    return None


def affirmed(question: str, sentence: str, context: str = "") -> Found | None:
    """The stretch of ``sentence`` from the first to the last word of the question in it,
    when it (or, for names, its ``context``) holds every name and number of the question and
    it holds at least ``POLICY.yes_coverage`` of its other words (what is asked about them:
    "married" in "Was Marit Sollen ever married?"); None otherwise."""
    names = key_terms(question)
    numbers = {t for t in names if any(ch.isdigit() for ch in t)}
    if not numbers <= word_set(sentence) or not names <= word_set(f"{sentence} {context}"):
        return None
    stems = _question_stems(question)
    predicate = stems - frozenset(tokenize(" ".join(names)))
    words = [(a, b, stem) for a, b, stem in _words(sentence) if stem and stem in stems]
    covered = {stem for _, _, stem in words} & predicate
    if not words or (predicate and len(covered) / len(predicate) < POLICY.yes_coverage):
        return None
    start, end = words[0][0], words[-1][1]
    return Found(sentence[start:end], start, end, "verdict")


# Any question mark: a sentence holding one asks, it does not state.
QUESTION_MARK = re.compile(r"[?？‽⁇⁈⁉]")


def yes_or_no(
    question: str, sentences: Sequence[str], contexts: Sequence[str] = ()
) -> tuple[str, int, Found] | None:
    """("No", index, the negated clause) when a sentence denies what the question asks;
    ("Yes", 0, the matching stretch) when the first (best) sentence affirms it; else None.
    ``contexts`` (one per sentence: its passage and document name): a sentence decides only
    when its context names every name the question does — a parade in Beijing says nothing
    of one in Moscow."""

    def about(index: int) -> bool:
        if index >= len(contexts):
            return True
        names = {t for t in key_terms(question) if not any(ch.isdigit() for ch in t)}
        return names <= word_set(contexts[index])

    for index, sentence in enumerate(sentences):
        found = None if QUESTION_MARK.search(sentence) else negated(question, sentence)
        if found is not None and about(index):
            return "No", index, found
    if sentences and not QUESTION_MARK.search(sentences[0]) and about(0):
        found = affirmed(question, sentences[0], contexts[0] if contexts else "")
        if found is not None:
            return "Yes", 0, found
    return None
