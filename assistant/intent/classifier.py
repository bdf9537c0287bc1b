"""What a question asks for: its intent, read from its wording alone (no model, no corpus).

A reader of a briefing asks for more than one fact: a summary ("Summarize it", "Key points?",
"tl;dr"), who someone is ("Who is Dorothy Shea?"), what someone said or did ("What did the US
say about China?"), which things are mentioned ("Which countries are mentioned?") and why
("Why does the US criticise China?"). ``read_intent`` names the intent and the words that
fill it in (the subject, the topic, the kind of thing listed); whatever it is unsure of is a
``LOOKUP``, today's one-fact path.

The question's wording is normalised first (``assistant.intent.wording``); the
patterns are in ``assistant.intent.phrases``, the topic and subject cut out of a match
by ``assistant.intent.topics``.
"""

from __future__ import annotations

import re

from assistant.intent.kinds import LOOKUP, Intent, Kind, Reading
from assistant.intent.phrases import (
    _ABOUT,
    _DETERMINER,
    _DOC_COVERS,
    _DOCS_SAY,
    _HAPPENED,
    _INVENTORY,
    _LIVING,
    _NOT_A_NAME,
    _OPEN,
    _OPEN_ITEMS,
    _OVERVIEW_WORD,
    _PROFILE,
    _PROFILE_NOT,
    _PRONOUN,
    _REASON,
    _STATEMENTS,
    _WHAT_TOPICS,
    _WHOS_WHO,
)
from assistant.intent.topics import _clean_subject, _strip_doc, _topic, _trailing_gone
from assistant.intent.wording import normalise
from assistant.language.lexicon import SAY_VERBS


def asks_what_is_open(text: str) -> bool:
    """Does the question ask what is still open ("What is still unresolved?", "What are the
    open questions?")?"""
    return bool(_OPEN.search(text) or _OPEN_ITEMS.search(text))


def read_intent(question: str) -> Reading:
    """What ``question`` asks for (``LOOKUP`` when unsure)."""
    text = normalise(question)
    if not text:
        return LOOKUP
    if _REASON.search(text):
        return Reading(Intent.REASON)
    reading = (
        _read_inventory(text) or _read_overview(text) or _read_statements(text)
        or _read_profile(text)
    )  # fmt: skip
    return reading or LOOKUP


def _read_inventory(text: str) -> Reading | None:
    if _WHOS_WHO.search(text):
        return Reading(Intent.INVENTORY, kind=Kind.PEOPLE)
    for pattern in _INVENTORY:
        match = pattern.search(text)
        if match is not None:
            kind = next(k for k in Kind if match.groupdict().get(k.value))
            return Reading(Intent.INVENTORY, kind=kind)
    return None


def _read_overview(text: str) -> Reading | None:
    if _OPEN.search(text) or _OPEN_ITEMS.search(text):
        return Reading(Intent.OVERVIEW, topic=text.rstrip("?!. "))
    if _WHAT_TOPICS.search(text) or _DOC_COVERS.search(text):
        return Reading(Intent.OVERVIEW)
    said = _DOCS_SAY.search(text)
    if said is not None:
        return Reading(Intent.OVERVIEW, topic=_strip_doc(said.group("t")))
    cue = _OVERVIEW_WORD.search(text)
    if cue is not None:
        rest = f"{text[: cue.start()]} {text[cue.end() :]}"
        return Reading(Intent.OVERVIEW, topic=_topic(rest) or _strip_doc(text[cue.end() :]))
    about = _ABOUT.search(text)
    if about is not None:
        return Reading(Intent.OVERVIEW, topic=_strip_doc(about.group("t")))
    happened = _HAPPENED.search(text)
    if happened is not None:
        return Reading(Intent.OVERVIEW, topic=_strip_doc(happened.group("t") or ""))
    return None


def _read_statements(text: str) -> Reading | None:
    if _LIVING.search(text):
        return None  # "What did her father do for a living?" asks for a job
    for pattern in _STATEMENTS:
        match = pattern.search(text)
        if match is None:
            continue
        subject = _clean_subject(match.group("x"))
        verb = match.group("v").lower()
        found = match.groupdict()
        following = (found.get("rest") or "").split()
        if not subject and following and re.fullmatch(SAY_VERBS, following[0], re.IGNORECASE):
            # "What did the report conclude?": "report" names the subject, "conclude" the act.
            subject, verb = verb, following[0].lower()
            found = {**found, "rest": " ".join(following[1:])}
        if not subject or len(subject.split()) > 8 or subject.lower() in {"you", "i", "we"}:
            continue
        # What the statements are about: the object of "about"/"on"/… ("about China"); other
        # words after the verb ("countries to drop") are the question's own, not a topic.
        topic = (found.get("y") or "").strip(" ?.!")
        return Reading(Intent.STATEMENTS, subject=subject, topic=topic, verb=verb)
    return None


def _read_profile(text: str) -> Reading | None:
    for pattern in _PROFILE:
        match = pattern.search(text)
        if match is None:
            continue
        subject = _trailing_gone(match.group("x")).strip(" ,.;:?!\"'")
        if not subject or len(subject.split()) > 7 or _NOT_A_NAME.search(subject):
            continue
        if _PROFILE_NOT.search(subject):
            continue
        wh = match.groupdict().get("w")
        if wh is not None and _DETERMINER.match(subject):
            # "Who is the mayor?" asks for a name; "What is the Garrow Dam?" for a profile.
            rest = _DETERMINER.sub("", subject)
            if wh.lower() == "who" or not rest[:1].isupper():
                continue
        if _PRONOUN.match(subject) and wh is not None and wh.lower() == "what":
            continue  # "What is it?"
        subject = re.sub(r"^(?:a|an)\s+", "", subject, flags=re.IGNORECASE)
        return Reading(Intent.PROFILE, subject=_clean_subject(subject))
    return None
