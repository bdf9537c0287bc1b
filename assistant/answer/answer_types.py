"""What kind of answer a question expects (a number, a date, a person, a place, yes/no, a
list, …), and whether a sentence holds one."""

from __future__ import annotations

import re

from assistant.language.labels import HEAD_NOUNS, HOLDS_LABELS
from assistant.language.labels import AnswerType as AnswerType  # re-exported: its old home
from assistant.language.lexicon import (
    AUXILIARIES,
    COUNT_WORDS,
    EMBEDDING_OPENERS,
    MONTH_NAMES,
    QUESTION_OPENERS,
    RELATIVE_DAYS,
    SEASONS,
    WEEKDAY_NAMES,
    YES_NO_OPENERS,
    alternation,
)
from assistant.protocols import EntityRecognizer

_NUMBER_ASKED = re.compile(
    r"\bhow (many|much|long|old|far|tall|high|big|large|deep|wide|heavy)\b"
    r"|\bwhat (percentage|number|proportion)\b",
    re.IGNORECASE,
)
_WHAT_TIME = r"\b(what|which) (year|date|day|month|time|century|decade)\b"
_PERSON_ASKED = re.compile(r"^\W*(who|whom|whose)\b", re.IGNORECASE)
_PLACE_ASKED = re.compile(r"^\W*where\b", re.IGNORECASE)
# First match wins: "how many years" asks for a number, "what year" for a date. The gate's
# rules, as its ``type_match`` signal was fitted on them: any "when" asks for a date.
_PATTERNS: tuple[tuple[re.Pattern[str], AnswerType], ...] = (
    (_NUMBER_ASKED, AnswerType.NUMBER),
    (re.compile(rf"\bwhen\b|{_WHAT_TIME}", re.IGNORECASE), AnswerType.DATE),
    (_PERSON_ASKED, AnswerType.PERSON),
    (_PLACE_ASKED, AnswerType.PLACE),
)
# The answers' rules: "When …?", "Since when …?", "…, and when …?" ask for a date; a "when"
# clause inside a question asking something else does not ("Who took over when Nyström
# went?").
_ASKED: tuple[tuple[re.Pattern[str], AnswerType], ...] = (
    (_NUMBER_ASKED, AnswerType.NUMBER),
    (
        re.compile(
            rf"(?:^\W*(?:(?:{QUESTION_OPENERS})\W+)*|[,;]\s*(?:and|but)\s+)"
            r"(?:(?:since|until|till|by|from) )?when\b"
            # not "When the dam broke, who …?": a clause before the question
            r"(?![^?]*,\s*(?:who|whom|whose|what|which|where|how|why)\b)"
            rf"|{_WHAT_TIME}",
            re.IGNORECASE,
        ),
        AnswerType.DATE,
    ),
    # "When the dam broke, who …?": the question after a clause.
    (re.compile(r"^(?:[^,?]{0,60}, )?\W*(who|whom|whose)\b", re.IGNORECASE), AnswerType.PERSON),
    (re.compile(r"^(?:[^,?]{0,60}, )?\W*where\b", re.IGNORECASE), AnswerType.PLACE),
)

_NUMBER = re.compile(rf"\d|\b({COUNT_WORDS})\b", re.IGNORECASE)
_YEAR_OR_DAY = re.compile(
    rf"\b(1\d{{3}}|20\d{{2}})\b|\b({WEEKDAY_NAMES}|{MONTH_NAMES}|"
    rf"{alternation(SEASONS)}|{alternation(RELATIVE_DAYS)})\b",
    re.IGNORECASE,
)


def expected_type(question: str) -> AnswerType | None:
    """The kind of entity the question asks for (number, date, person, place); None when it
    is none of these. The abstention gate's ``type_match`` signal was fitted on exactly these
    rules; ``question_type`` is the finer classification answers are shaped by."""
    return _first(_PATTERNS, question)


def _asked_type(text: str) -> AnswerType | None:
    """``expected_type`` for shaping answers: a "when" only as the question's own word."""
    return _first(_ASKED, text)


def _first(
    patterns: tuple[tuple[re.Pattern[str], AnswerType], ...], question: str
) -> AnswerType | None:
    for pattern, kind in patterns:
        if pattern.search(question):
            return kind
    return None


# Measures asked for beside those ``expected_type`` knows (which the gate was fitted on).
_MEASURE = re.compile(
    r"\bhow (?:strong|fast|quick|hot|cold|warm|loud|severe|powerful|expensive|costly|heavy|"
    r"wide|deep)\b",
    re.IGNORECASE,
)
# Openers that add nothing to what is asked ("And did …", "So where …").
_FILLER = re.compile(
    rf"^\W*(?:(?:{QUESTION_OPENERS})\b[\s,]*|(?:what|how) about [^,?]*,\s*)+",
    re.IGNORECASE,
)
_YES_NO = re.compile(rf"^(?:{YES_NO_OPENERS})\b", re.IGNORECASE)
_CHOICE = re.compile(r"\bor\b", re.IGNORECASE)  # "Was it red or blue?" is no yes/no question
_LIST = re.compile(
    r"^(?:list|name)\b|\b(?:who|what|which|where) all\b|\ball (?:the )?(?:\w+ )?(?:who|that)\b"
    r"|\bwhat (?:are|were) (?:all )?the \w+s\b"
    # "Who attended …?": taking part is something several usually do.
    r"|^who (?:else )?(?:attended|attends|joined|joins|came|comes|went|took part|takes part|"
    r"participated|participates|turned up|showed up|was there|were there|was present|"
    r"were present|visited|marched|competed|performed|spoke at|signed)\b",
    re.IGNORECASE,
)
_REASON = re.compile(
    r"^(?:why|how come)\b|\bfor what reason\b|\bwhat (?:caused|led to|brought)\b"
    r"|^what (?:is|are|was|were) (?:a|an)\b",
    re.IGNORECASE,
)
# "which firm …", "what year …": the noun after "which"/"what" names the kind of answer.
_OF_WHICH = re.compile(r"\b(?:which|what) of\b", re.IGNORECASE)
# A wh-word at the start, after a preposition or after an opening phrase ("In the end, …").
_WH = r"^(?:[^,?]{0,40}, )?(?:(?:in|on|at|from|to|for|by|during|under|with|of) )?(?:which|what)"
_WH_NOUN = re.compile(
    _WH + r"(?: kind of| sort of| type of| of(?: the| its| their| his| her)?)?"
    r"(?: two| three| four| five| both)? (\w+)(?: (\w+))?(?: (\w+))?",
    re.IGNORECASE,
)
_WH_BE_NOUN = re.compile(
    _WH + r" (?:is|was|are|were) (?:the |a |an )?(?:\w+'s? )?(\w+)", re.IGNORECASE
)


# "What was the name of the man …": the noun after "name of" decides, else any named thing.
_NAME_OF = re.compile(r"\bname of (?:the |a |an |his |her |their |its )?(\w+)", re.IGNORECASE)


def _plural(noun: str) -> bool:
    noun = noun.lower()
    return noun.endswith("s") and not noun.endswith(("ss", "us", "is", "ics"))


def _head_noun(text: str) -> tuple[AnswerType | None, bool]:
    """The kind the noun after "which"/"what" (or "the name of") names — a known kind, else
    ``NAME`` for a noun of no known kind ("Which prize …") — and whether the question asks
    for several ("Which places …", not "which of its ships"). (None, False) when the
    question names no noun ("What did …")."""
    named = _NAME_OF.search(text)
    wh = _WH_NOUN.match(text)
    if wh and wh.group(1).lower() in AUXILIARIES:
        wh = None
    be = _WH_BE_NOUN.match(text)
    match = named or wh or be
    if match is None:
        return None, False
    # The head noun is the first known one of up to three words ("which local sports
    # club"), else the first word.
    words = [w.lower() for w in match.groups() if w]
    words = words[: next((i for i, w in enumerate(words) if w in AUXILIARIES), len(words))]
    for word in words:
        for kind, nouns in HEAD_NOUNS.items():
            if word in nouns or word.removesuffix("s") in nouns:
                return kind, match is wh and _plural(word) and not _OF_WHICH.search(text)
    several = match is wh and any(_plural(w) for w in words[:2]) and not _OF_WHICH.search(text)
    if match is named or (match is wh and words):
        return AnswerType.NAME, several
    return None, False


_EMBEDDED = re.compile(
    rf"^\W*(?:(?:{QUESTION_OPENERS})\W+)*(?:{EMBEDDING_OPENERS})\W+"
    r"(?=(?:who|whom|whose|what|when|where|which|why|how)\b)",
    re.IGNORECASE,
)


def unwrapped(question: str) -> str:
    """A wh-question without the polite question around it: "Can you tell me when the
    bridge opened?" → "when the bridge opened?"."""
    return _EMBEDDED.sub("", question)  # anchored: one opening at most


def question_type(question: str) -> AnswerType:
    """The kind of answer a question expects, from its wording alone: yes/no ("Did …?"),
    list ("Which places …?", "Name all …"), definition/reason ("Why …?"), an entity of a kind
    (``expected_type``'s rules with "when" only as the question's word, then the noun after
    "which"/"what": "which firm", "what year"), or other. A wh-question wrapped in a polite
    one ("Can you tell me when …?") is read as the wh-question."""
    text = _FILLER.sub("", unwrapped(question.strip()))
    if _YES_NO.match(text) and not _CHOICE.search(text):
        return AnswerType.YES_NO
    if _LIST.search(text):
        return AnswerType.LIST
    if _REASON.search(text):
        return AnswerType.REASON
    if _MEASURE.search(text):
        return AnswerType.NUMBER  # "how strong were the gusts …", beside "how many"
    noun_kind, several = _head_noun(text)
    if several:
        return AnswerType.LIST
    if noun_kind is None and _WH_NOUN.match(text) and not _auxiliary_after_wh(text):
        return AnswerType.OTHER  # "Which event …, when …?": the noun decides, not the "when"
    return noun_kind or _asked_type(text) or AnswerType.OTHER


def _auxiliary_after_wh(text: str) -> bool:
    wh = _WH_NOUN.match(text)
    return wh is None or wh.group(1).lower() in AUXILIARIES


def item_type(question: str) -> AnswerType | None:
    """The kind of each item a question asks for: a person for "Who …", a place for "Which
    places …"; None when the wording does not say."""
    kind = question_type(question)
    if kind is AnswerType.LIST:
        text = _FILLER.sub("", unwrapped(question.strip()))
        return _head_noun(text)[0] or _asked_type(text)
    return kind if kind in ENTITY_TYPES else None


ENTITY_TYPES = frozenset(
    {
        AnswerType.NAME,
        AnswerType.NUMBER,
        AnswerType.DATE,
        AnswerType.PERSON,
        AnswerType.PLACE,
        AnswerType.ORGANIZATION,
    }
)


def holds_type(
    sentence: str, kind: AnswerType | None, recognizer: EntityRecognizer, question: str = ""
) -> bool:
    """Does ``sentence`` contain an answer of ``kind`` that the question does not already
    give ("How many passengers in 2024?" is not answered by the "2024" alone)? Always true
    for no kind."""
    if kind is None:
        return True
    given = question.lower()

    def new(text: str) -> bool:
        return text.lower() not in given

    if kind is AnswerType.NUMBER and any(new(m.group(0)) for m in _NUMBER.finditer(sentence)):
        return True
    if kind is AnswerType.DATE and any(new(m.group(0)) for m in _YEAR_OR_DAY.finditer(sentence)):
        return True
    labels = HOLDS_LABELS.get(kind)
    if labels is None:
        return True
    return any(e.label in labels and new(e.text) for e in recognizer.entities(sentence))
