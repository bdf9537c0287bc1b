"""A question's wording as the intent patterns read it.

Words are matched after light normalisation: lower case, straight apostrophes, leading
politeness and fillers dropped ("Could you please …", "And …"), an embedded question put
back ("tell me who X is" → "who is X"), and a misspelt cue word mended to the nearest one
within one or two letters ("summerize", "mentiond", "contries") — never a word the
vocabulary knows ("criticism" stays).
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from assistant.language.vocabulary import is_word
from assistant.policy import POLICY

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_LEAD = re.compile(
    r"^(?:(?:please|pls|plz|kindly|hi|hello|hey|ok|okay|so|and|also|now|then|well|right|"
    r"quick question|one more thing|just)\b[\s,:!.-]*)+",
    re.IGNORECASE,
)
_ASK = re.compile(
    r"^(?:(?:can|could|would|will) you(?: please)?(?: just)?|"
    r"i(?:'d| would) (?:like|love)(?: you)? to(?: know| hear)?|i want(?: you)? to know|"
    r"i(?:'m| am) (?:curious|wondering)(?: about)?|do you know|please)\s+",
    re.IGNORECASE,
)
# "tell me who X is", "explain why …": the question they embed.
_EMBEDDED = re.compile(
    r"^(?:tell me|let me know|explain(?: to me)?|remind me|show me|say)\s+"
    r"(?=(?:who|what|why|how|which|when|where)\b)",
    re.IGNORECASE,
)
_TRAILING_PLEASE = re.compile(
    r"[\s,]*\b(?:please|thanks|thank you|for me)\b[\s.!?]*$", re.IGNORECASE
)


# Emoji and other symbols that end a question, and the spaces before them.
_SYMBOLS_AT_END = re.compile(r"(?:\s*[^\w\s?.!,;:'\")\]])+\s*$")


def normalise(question: str) -> str:
    """The question as the patterns read it: one space between words, straight apostrophes,
    leading fillers and politeness gone, an embedded question unwrapped, cue words spelt
    right. Case is kept (a capital marks a name)."""
    text = " ".join(question.translate(_APOSTROPHES).split())
    text = _SYMBOLS_AT_END.sub("", text)  # "What did the US say? 🙏"
    for _ in range(3):  # "Hi, could you please tell me who …"
        before = text
        text = _LEAD.sub("", text)
        text = _ASK.sub("", text)
        text = _EMBEDDED.sub("", text)
        if text == before:
            break
    text = _TRAILING_PLEASE.sub("", text) or text
    return " ".join(_mend(word) for word in text.split(" "))


# The cue words the patterns below key on: a word within reach of one is read as it.
_CUES = tuple(
    re.findall(
        r"\w+",
        "summarize summarise summarized summarised summary summaries overview synopsis recap "
        "takeaways highlights points mentioned mention mentions named referenced discussed "
        "involved featured countries country nations people persons individuals organisations "
        "organizations organisation organization agencies companies institutions places "
        "locations cities towns villages districts regions dates years amounts figures numbers "
        "briefing document documents article articles report story chapter section happened "
        "reason because statement statements accused accuse criticise criticize announced "
        "promised proposed respond responded react reacted reaction position stance "
        "background achieved timeline announced responded criticised criticized promised "
        "proposed explained described warned claimed insisted suggested recommended "
        "demanded accused denied admitted confirmed reported concluded",
    )
)


@lru_cache(maxsize=4096)
def _mend(word: str) -> str:
    """``word`` spelt as the nearest cue word when it is a near miss of one (one or two
    letters off in a word of five or more), else unchanged; punctuation around it kept."""
    match = re.fullmatch(r"(\W*)([A-Za-z]+)(\W*)", word)
    if match is None or len(match.group(2)) < POLICY.mend_length:
        return word
    lead, core, tail = match.groups()
    lower = core.lower()
    if lower in _CUE_SET or is_word(lower):
        return word  # a cue word, or another word spelt right ("criticism", "reached")
    close = difflib.get_close_matches(lower, _CUES, n=1, cutoff=POLICY.mend_cutoff)
    if not close or close[0].startswith(lower) or lower.startswith(close[0]):
        return word  # another form of the word ("point", "mentions"), not a misspelling
    mended = str(close[0])
    return lead + (mended.capitalize() if core[0].isupper() else mended) + tail


_CUE_SET = frozenset(_CUES)
# A word is mended when it has ``POLICY.mend_length`` letters at least and is
# ``POLICY.mend_cutoff`` close to a cue word (difflib's ratio): "summerize" 0.89, "breifing"
# 0.875 are mended; "reached" (0.857 from "reacted") is not.
