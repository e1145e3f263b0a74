# ruff: noqa: RUF001, RUF002  (the look-alike letters are the point of this module)
"""Names that are what they look like: hidden characters refused, look-alikes found, output escaped.

A model id with a zero-width space can copy ``gpt-4o-mini-2024-07-18`` letter for letter, a newline
in a name can forge a row of a table, a right-to-left override can reverse what a terminal shows.
Every name that comes from a file (ids, aliases, providers, hosts, benchmark and battle names)
goes through :func:`hidden_char`; names that differ but look alike share a :func:`skeleton`.
"""

from __future__ import annotations

import functools
import unicodedata

# Unicode categories no name may hold: controls (newline, NUL, DEL), format characters (bidi
# overrides and isolates, zero-width spaces and joiners, the BOM, soft hyphen), surrogates, private
# use, and line/paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})

# Common Cyrillic and Greek letters that look like Latin ones (after case folding), and Latin
# letters that look like each other in most fonts: the part of Unicode's confusables table (UTS
# #39) that model names meet in practice.
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "з": "3",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ү": "y",
        "һ": "h",
        "ӏ": "l",
        # Greek
        "α": "a",
        "β": "b",
        "γ": "y",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        # Latin look-alikes
        "ı": "i",
        "ɡ": "g",
        "ℓ": "l",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "−": "-",
    }
)


def hidden_char(name: str) -> str | None:
    """Describe the first character of ``name`` that would hide or disguise text, or None.

    >>> hidden_char("gpt-4o\\u200b-mini")
    'contains U+200B (ZERO WIDTH SPACE): control, bidirectional and zero-width characters are not allowed in names'
    >>> hidden_char("gpt-4o-mini") is None
    True
    """
    for ch in name:
        category = unicodedata.category(ch)
        if category in _HIDDEN_CATEGORIES:
            what = unicodedata.name(ch, _CONTROL_NAMES.get(ch, _KINDS[category]))
            return (
                f"contains U+{ord(ch):04X} ({what}): "
                "control, bidirectional and zero-width characters are not allowed in names"
            )
    return None


_CONTROL_NAMES = {"\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\t": "TAB", "\0": "NUL", "\x1b": "ESCAPE"}
_KINDS = {
    "Cc": "control character",
    "Cf": "format character",
    "Cs": "lone surrogate",
    "Co": "private-use character",
    "Zl": "line separator",
    "Zp": "paragraph separator",
}


@functools.lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """What ``name`` looks like: NFKC-normalised, case-folded, with look-alike letters folded.

    >>> skeleton("gpt-4о-mini") == skeleton("GPT-4o-mini")  # the first "о" is Cyrillic
    True
    """
    return unicodedata.normalize("NFKC", name).casefold().translate(_CONFUSABLES)


def shown(text: str) -> str:
    """``text`` with every hidden character escaped (``\\n``, ``\\u200b``), for terminals and tables.

    >>> shown("a\\nb\\u202ec")
    'a\\\\nb\\\\u202ec'
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)
