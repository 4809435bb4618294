"""The pinyin search key of a name: its full pinyin and its initials, for search in SQL.

颐乐园 → "yileyuan|yly". A visitor typing `yly`, `yileyuan` or `leyuan` finds it with a plain
substring match on one indexed column (Institution.name_pinyin), computed on save. Letters and
digits that are not Chinese are kept as they are (lower case); everything else is dropped.
"""

import re

from pypinyin import Style, lazy_pinyin

_NOT_KEY = re.compile(r"[^0-9a-z]+")
SEPARATOR = "|"


def _syllables(name: str, style) -> list[str]:
    return [_NOT_KEY.sub("", part.lower()) for part in lazy_pinyin(name, style=style, errors=lambda s: [s])]


def search_key(name: str) -> str:
    """``full|initials`` of ``name``, in lower-case ASCII."""
    full = "".join(_syllables(name, Style.NORMAL))
    initials = "".join(_syllables(name, Style.FIRST_LETTER))
    return f"{full}{SEPARATOR}{initials}"[:300]


def query_key(text: str) -> str:
    """What a visitor typed, as it is matched against the key: lower-case ASCII letters and digits."""
    return _NOT_KEY.sub("", text.lower())
