"""Bytes to text: UTF-8 (with or without BOM), else a detected legacy encoding; binary refused."""

from __future__ import annotations

import unicodedata

from assistant.errors import UnsupportedFileError


def decode_bytes(raw: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM), else a detected legacy encoding, else refuse."""
    if b"\x00" in raw:
        raise UnsupportedFileError(f"{name} looks like a binary file, not text.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_legacy(raw, name)
    if _control_ratio(text) > 0.01:
        raise UnsupportedFileError(f"{name} looks like a binary file, not text.")
    return text


def _decode_legacy(raw: bytes, name: str) -> str:
    """A language-confident guess from charset-normalizer (e.g. cp1251 Russian), else cp1252
    when the result reads like western text; anything else is refused."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is not None and best.coherence >= 0.2:
        return str(best)
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _reads_as_western(text):
        return text
    guess = best.encoding if best is not None else "none"
    raise UnsupportedFileError(
        f"{name} is not UTF-8 and its encoding could not be identified (best guess: {guess});"
        " re-save it as UTF-8."
    )


_TYPOGRAPHIC = frozenset("‘’“”–—…•€«»°·")


def _reads_as_western(text: str) -> bool:
    """Accented letters sit inside words of ASCII letters ("café"); mojibake of another
    script comes in runs of symbols and accented letters with no ASCII around them."""
    foreign = [i for i, ch in enumerate(text) if ord(ch) > 127 and ch not in _TYPOGRAPHIC]
    if not foreign:
        return True
    inside_words = sum(
        1
        for i in foreign
        if (i > 0 and text[i - 1].isascii() and text[i - 1].isalpha())
        or (i + 1 < len(text) and text[i + 1].isascii() and text[i + 1].isalpha())
    )
    return inside_words / len(foreign) >= 0.6


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return bad / len(text)
