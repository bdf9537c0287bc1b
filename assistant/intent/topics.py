"""The words that fill an intent in: an overview's topic, a profile's or statement's subject,
cut free of the words around them."""

from __future__ import annotations

import re

from assistant.intent.phrases import _GENERIC, _REQUEST, _TOPIC_LEAD


def _strip_doc(text: str) -> str:
    """A topic without the words around it that only point at the documents or fill ("the
    …", "… in the briefing", "… for me", "in a few lines"); the words inside it stay ("plan
    for the week")."""
    words = _REQUEST.sub(" ", text).strip(" ,.;:?!-").split()
    while words and _GENERIC.fullmatch(words[0].strip(",.;:?!")):
        words.pop(0)
    while words and _GENERIC.fullmatch(words[-1].strip(",.;:?!")):
        words.pop()
    return " ".join(words).strip(" ,.;:?!-")


def _topic(text: str) -> str:
    """What an overview is about: the words after "about"/"on"/"of", without those that
    point at the documents; "" for the documents as a whole."""
    match = _TOPIC_LEAD.search(text)
    return _strip_doc(match.group("t")) if match else ""


def _trailing_gone(text: str) -> str:
    return re.sub(r"[^\w)\]]+$", "", text.strip())


def _clean_subject(text: str) -> str:
    """The subject without its article and whatever trails it that is no word: punctuation,
    an emoji ("Who is Noor Haddad? 🌊")."""
    text = _trailing_gone(text)
    return re.sub(r"^(?:the|a|an)\b\s*", "", text.strip(" ,.;:?!\"'")).strip()
