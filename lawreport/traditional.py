"""Reports in traditional characters, read through a simplified view of the same length.

Some reports reach users in traditional characters (a converted web page, a
Hong Kong or Taiwan mirror).  The segmentation model, the gazetteer, the
number and section rules and the sentence classifier all know simplified
Chinese, so a traditional text would lose its districts (``沙坪壩區``), its
magnitudes (``1.16萬``) and its title (``報告``).

:func:`simplified_view` maps such a text character by character to simplified
characters (``lawreport/data/traditional_chars.txt``, from OpenCC's table).
The view has the same length as the text, so every offset found in it is an
offset into the text: the rules read the view, spans and facts still quote
the text as published, and ``doc.text`` never changes.  A text is converted
only when it reads as traditional (:func:`reads_as_traditional`), since a few
traditional forms also occur in simplified text and would otherwise be
rewritten there.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "traditional_chars.txt"
#: Share of the Chinese characters that must be traditional forms for a text to read as traditional.
#: Traditional prose has 20-35%; simplified reports have none or a stray quoted name.
MIN_SHARE = 0.05
#: ... and at least this many of them, so a short line with one such character is left alone.
MIN_COUNT = 3


@lru_cache(maxsize=1)
def translation() -> dict[int, int]:
    """``str.translate`` table: traditional code point -> simplified code point."""
    table: dict[int, int] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            table[ord(traditional)] = ord(simplified)
    return table


def reads_as_traditional(text: str) -> bool:
    """Whether enough of ``text``'s Chinese characters are traditional forms (see :data:`MIN_SHARE`)."""
    table = translation()
    traditional = sum(1 for ch in text if ord(ch) in table)
    if traditional < MIN_COUNT:
        return False
    chinese = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return traditional >= MIN_SHARE * max(chinese, 1)


def simplified_view(text: str) -> str:
    """``text`` in simplified characters if it reads as traditional, else ``text`` itself (same length)."""
    return text.translate(translation()) if reads_as_traditional(text) else text


def as_published(piece: str | None, view: str, text: str, start: int = 0) -> str | None:
    """``piece``, found by the rules in ``view`` (a title), as ``text`` spells it there.

    The first occurrence at or after ``start`` is used, also when the rules
    joined it across a line break (``司法局⏎关于``: the break stays out).  A piece
    the view does not hold (None, or rewritten) comes back unchanged.
    """
    if piece is None or view is text:
        return piece
    at = view.find(piece, start)
    if at >= 0:
        return text[at : at + len(piece)]
    match = re.compile(r"\s*".join(map(re.escape, piece))).search(view, start) if piece else None
    if match is None:
        return piece
    kept, j = [], 0
    for i in range(match.start(), match.end()):
        if j < len(piece) and view[i] == piece[j]:
            kept.append(text[i])
            j += 1
    return "".join(kept)
