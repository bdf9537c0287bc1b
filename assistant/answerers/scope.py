"""Which document a question names: "Summarize the memo", "Which people are mentioned in the
news article?", "the Holmvik article" — by the document's file name or its title."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from assistant.answerers.library import Library
from assistant.index.lexical import tokenize
from assistant.language.lexicon import DOCUMENT_NOUNS, NUMBER_WORDS

# Words a question may use for one kind of document ("the briefing", "this FAQ").
KIND_OF_DOCUMENT = re.compile(
    r"\b(briefing|article|story|report|memo|faq|manual|guide|handbook|biography|bio|memoir|"
    r"letter|transcript|minutes|press release|newsletter|paper|essay|review|interview|"
    r"profile|announcement|policy|contract|agreement|statement|speech|diary|journal)\b",
    re.IGNORECASE,
)


def heading_text(text: str) -> str:
    return text.lstrip("#").strip()


def titles(library: Library, sources: Sequence[str]) -> dict[str, str]:
    """Each document's title: its first line when that is a heading."""
    if len(sources) > 200:
        return {}
    found = {}
    for source in sources:
        first = next(iter(library.sentences(source)), None)
        if first is not None and first.heading and first.position == 0:
            found[source] = heading_text(first.text)
    return found


def _name_words(text: str) -> set[str]:
    """Content words of a document's name or a topic, numbers as numbers ("chapter-08" and
    "chapter eight" alike)."""
    words = set()
    for word in re.findall(r"[a-z]+|\d+", text.lower()):
        if word.isdigit():
            words.add(str(int(word)))
        elif word in NUMBER_WORDS:
            words.add(str(NUMBER_WORDS[word]))
        else:
            words.update(tokenize(word))
    return words - {"md", "txt", "html", "htm", "pdf", "docx"}


# Words that say what kind of document a topic names, not which ("article", "story").
_DOCUMENT_NOUNS = frozenset(tokenize(DOCUMENT_NOUNS))


def named_document(
    topic: str,
    sources: Sequence[str],
    titles: Mapping[str, str] | None = None,
    *,
    kind: bool = False,
    exact_only: bool = False,
) -> str | None:
    """The document ``topic`` names: the one whose name (or title) is exactly its content
    words ("the Holmvik article" → "holmvik.md" beside "holmvik-academy.md"), else (unless
    ``exact_only``) the only one whose name or title holds them all ("chapter eight" →
    "chapter-08.txt"); None when none or several do. ``kind``: ``topic`` is a kind of
    document ("briefing"), matched as it is; otherwise such words are left out of it ("the
    Holmvik article": Holmvik)."""
    wanted = _name_words(topic) if kind else _name_words(topic) - _DOCUMENT_NOUNS
    if not wanted:
        return None
    titles = titles or {}

    def names(source: str) -> list[set[str]]:
        return [_name_words(source), _name_words(titles.get(source, ""))]

    exact = [s for s in sources if any(wanted == words for words in names(s))]
    if len(exact) == 1:
        return exact[0]
    if exact_only:
        return None
    found = [s for s in sources if any(wanted <= words for words in names(s) if words)]
    return found[0] if len(found) == 1 else None


# "… mentioned in the news article", "… does the memo mention": the document a question names.
_IN_DOCUMENT = re.compile(
    r"\b(?:in|from|within)\s+(?:the|this|that)\s+(?P<d>[^?!.]+?)\s*[?!.]*$", re.IGNORECASE
)
_DOES_DOCUMENT = re.compile(
    r"\b(?:does|do|did)\s+(?:the|this|that)\s+(?P<d>.+?)\s+(?:mention|name|cite|reference|"
    r"discuss|list|cover|talk about|refer to|include)\b",
    re.IGNORECASE,
)


def document_named(
    question: str, sources: Sequence[str], named_titles: Mapping[str, str] | None = None
) -> str | None:
    """The one document ``question`` confines itself to ("Which people are mentioned in the
    memo?"): by a kind of document its name holds ("memo_brightwater.docx"), else by the
    words after "in the" or of "does the … mention"; None when it names none, or several."""
    for noun in KIND_OF_DOCUMENT.findall(question):
        named = named_document(noun, sources, named_titles, kind=True)
        if named is not None:
            return named
    for pattern in (_IN_DOCUMENT, _DOES_DOCUMENT):
        match = pattern.search(question)
        if match is not None:
            named = named_document(match.group("d"), sources, named_titles)
            if named is not None:
                return named
    return None
