"""The answer policy's thresholds, named and documented in one place.

What a user tunes (how many passages, how close two sentences must be to be one, the gate's
threshold, the bold threshold, …) lives in ``assistant.config.Settings``; what is fixed by the
design or was chosen once on the evaluation suite's dev halves lives here, each with one line
saying what it decides. ``POLICY`` holds today's values; the modules that apply a threshold
read it from there (the extractive reader takes its own as keyword arguments, defaulting to
these). The answerers of ``assistant/answer/`` keep their own frozen policies
(``ReasonPolicy``, ``PeoplePolicy``, ``OverviewPolicy``), each documented beside its code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Policy:
    """Every number the answer policy decides by (defaults: the shipped values)."""

    # -- the extractive reader (assistant/answer/reader.py) --
    # A list question gathers further sentences scoring within this many logits of the best.
    list_margin: float = 15.0
    # A sentence that holds the kind of answer asked for is reached within this many logits.
    reach_margin: float = 4.0
    # A gathered list answer holds at most this many sentences …
    list_sentences: int = 5
    # … and at most this many characters of them.
    list_chars: int = 600
    # An answer that already names this many items of the kind asked for is the list.
    list_named: int = 2
    # Word overlap (Jaccard) from which a candidate sentence repeats a chosen one.
    repeat_overlap: float = 0.6

    # -- near-repeats (assistant/retrieve/similarity.py) --
    # A run of this many shared words is a templated refrain, however the rest differs.
    refrain_words: int = 7

    # -- short answers (assistant/answer/short_answer.py) --
    # "Yes" needs the best sentence to hold at least this share of the question's words.
    yes_coverage: float = 0.5
    # A span right after the question's words gains this much (twice after its last word).
    follow_bonus: int = 2

    # -- checking a writer's sentences (assistant/answer/grounding.py) --
    # A cited sentence must score within this many logits of the best retrieved sentence.
    relevance_margin: float = 15.0
    # At most this many checked sentences are kept.
    max_checked_sentences: int = 8
    # A longer claim is dropped as "too long" (and recorded cut to this length).
    max_claim_chars: int = 1000

    # -- bold: when a short answer is shown (assistant/answer/bold.py) --
    # The cited sentence's cross-encoder score a bold name, number or date needs at least.
    bold_min_score: float = 7.0
    # The gate's confidence (log-odds) a bold answer needs at least.
    bold_min_confidence: float = 0.0
    # A role shown bold ("Ambassador") has at most this many words.
    bold_role_words: int = 8
    # A bold "No" needs its clause to hold at least this share of the question's words.
    bold_no_share: float = 0.5
    # A bold name, number or date needs its sentence to hold at least this share of the
    # question's words.
    bold_asked_share: float = 0.34
    # "How many X": X must stand within this many characters before the number …
    count_before_chars: int = 30
    # … or this many after it.
    count_after_chars: int = 40

    # -- reading the question (assistant/intent/wording.py,
    # assistant/converse/conversation.py, assistant/converse/spelling.py) --
    # A misspelt cue word is mended only in a word of at least this many letters …
    mend_length: int = 6
    # … this close to the cue word (difflib's ratio): "summerize" 0.89 yes, "reached" 0.857 no.
    mend_cutoff: float = 0.87
    # A question of at most this many content words, no name or number, is a follow-up.
    elliptical_words: int = 1
    # A misspelt question word is mended into the documents' words (assistant/converse/
    # spelling.py) only in a word of at least this many letters …
    spelling_letters: int = 4
    # … and only in the first this many unknown words of a question (each costs a look-up).
    spelling_words: int = 4
    # … and into a word the documents use in lower case in one of the chunks that best match
    # it, this many.
    spelling_reach: int = 5

    # -- the reader's-question answerers (assistant/answer/) --
    # An inventory ("which places …") lists at most this many items.
    max_items: int = 30
    # At most this many sentences about one subject are read.
    max_mentions: int = 400


POLICY = Policy()
