"""Character classes and line analysis shared by the sentence and section components.

Everything works on the text exactly as published: functions return offsets
into it and never rewrite it, so annotations and entities stay aligned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Characters that end a sentence (labels.md): 。！？ and their half-width forms.
SENTENCE_END = "。！？!?"
#: Quotes and brackets that belong to the sentence they close.
CLOSERS = "”’」』）)】》〉\"'"
#: A line ending in one of these ends its paragraph even without 。.
LINE_END = SENTENCE_END + "：:；;…"
#: A line ending in one of these was broken in mid-sentence.
SOFT_END = "，,、（(“‘《〈—-～~+＋/"

#: Half of a UTF-16 surrogate pair on its own: Python strings can hold one (from
#: ``"\\ud800"`` in JSON, a broken PDF character map, undecodable file names),
#: but it is not Unicode text, and spaCy, files and JSON writers refuse it.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_CN = f"[{CN_DIGITS}]"

#: Enumerated headings: (compiled pattern, level).  The enumerator, not the
#: markdown level, decides the hierarchy (domain.md).
HEADING_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"^第{_CN}+(?:部分|章|篇)"), 1),
    (re.compile(rf"^{_CN}+\s*[、.．]"), 1),
    (re.compile(rf"^[（(]\s*{_CN}+\s*[）)]"), 2),
    (re.compile(r"^[0-9０-９]{1,2}\s*[、．.](?![0-9０-９])"), 3),
    (re.compile(r"^[（(]\s*[0-9０-９]{1,2}\s*[）)]"), 4),
    (re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]"), 4),
)
_MARKUP = re.compile(r"^(?:[\s#>*]|\[bookmark:[^\]]*\])*|[\s*]*$")
_WEB_FURNITURE = re.compile(
    r"(当前位置|您的位置|首页\s*[>＞»]|扫一扫|打印本页|关闭窗口|【打印】|【关闭】|分享到|"
    r"字体[:：]?\s*[大中小]|字号|无障碍|发布时间|来源[:：]|索引号|浏览次数|访问量|"
    r"^\s*[—-]\s*\d+\s*[—-]\s*$)"
)


@dataclass(frozen=True)
class Line:
    """One line of the text: ``start``/``end`` exclude the newline itself."""

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


def split_lines(text: str) -> list[Line]:
    """Split on ``\\n`` only (``\\r`` is treated as trailing whitespace)."""
    lines: list[Line] = []
    pos = 0
    for piece in text.split("\n"):
        lines.append(Line(pos, pos + len(piece), piece))
        pos += len(piece) + 1
    return lines


def strip_markup(line: str) -> str:
    """Drop markdown heading marks and emphasis around a line (``### **三、…**``),
    and Word bookmarks left by conversion (``[bookmark: _GoBack]一、…``)."""
    return _MARKUP.sub("", line)


def heading_level(line: str) -> int | None:
    """Level of the enumerator a line starts with (1 = ``一、``), or None."""
    bare = strip_markup(line)
    if bare.startswith(("一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是")):
        return None
    for pattern, level in HEADING_PATTERNS:
        if pattern.match(bare):
            return level
    return None


def enumerator_value(line: str) -> int | None:
    """The number of a heading's enumerator (``三、`` -> 3, ``3、`` -> 3)."""
    bare = strip_markup(line).lstrip("第（( ")
    match = re.match(rf"[0-9０-９]+|{_CN}+", bare)
    if not match:
        return None
    token = match.group(0)
    if token[0] in "0123456789０１２３４５６７８９":
        return int(token.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    return chinese_small_number(token)


def chinese_small_number(token: str) -> int | None:
    """Value of a small Chinese numeral such as ``十二`` (enough for enumerators)."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits.update({"〇": 0, "两": 2})
    if token == "十":
        return 10
    if "十" in token:
        tens, _, units = token.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(units, 0) if units else 0)
    if len(token) == 1 and token in digits:
        return digits[token]
    return None


def is_markdown_heading(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("#") or (stripped.startswith("**") and stripped.endswith("**"))


def is_web_furniture(line: str) -> bool:
    """Navigation, share buttons and page numbers of saved web pages and PDFs."""
    return bool(_WEB_FURNITURE.search(line))


def looks_like_heading(line: str) -> bool:
    """A line that stands alone: an enumerated heading (the whole line, not a heading
    followed by text), a markdown heading, or web furniture."""
    stripped = line.strip()
    bare = strip_markup(stripped)
    whole_heading = len(bare) <= 60 and not any(mark in bare[:-1] for mark in SENTENCE_END)
    return bool(stripped) and (
        (heading_level(stripped) is not None and whole_heading)
        or is_markdown_heading(stripped)
        or is_web_furniture(stripped)
    )


def continues(prev: str, nxt: str, min_broken_length: int = 24) -> bool:
    """Whether the line break between ``prev`` and ``nxt`` sits inside a sentence.

    PDF and web conversion leave breaks in mid-sentence (``审查 280\\n\\n次``).
    Such a break follows a line with no sentence-final mark that is either
    long (a full printed line) or ends with a mark that cannot end a
    paragraph (``，``); neither line may be a heading or page furniture.
    """
    prev, nxt = prev.rstrip(), nxt.strip()
    if not prev or not nxt:
        return False
    if prev[-1] in LINE_END or (prev[-1] in CLOSERS and len(prev) > 1 and prev[-2] in LINE_END):
        return False
    if looks_like_heading(prev) or looks_like_heading(nxt):
        return False
    if nxt[0] in "，,、。；;：:）)”’%％":
        return True
    if prev[-1] in SOFT_END:
        return True
    if prev[-1].isdigit() and "\u4e00" <= nxt[0] <= "\u9fff":
        return True  # a number at the end of a line waits for its unit: ``280\n\n次``
    is_title = prev.endswith("报告") and not any(mark in prev for mark in "。，,；")
    return len(prev.strip()) >= min_broken_length and not is_title


def enclosure_mask(text: str, pairs: tuple[tuple[str, str], ...]) -> bytearray:
    """1 at every character inside one of the bracket ``pairs`` (``《…》``, ``“…”``) on its line.

    Only a mark closed on its own line encloses anything: an opening mark
    left open at the line's end (a typo such as ``谁执法谁普法”“谁主管…”“谁服务…``,
    or a quote broken by a PDF line) encloses nothing, so it cannot hide the
    rest of a paragraph's numbers and names.  A pair whose marks are the same
    character (``"…"``) toggles.  Linear in the text: each closed pair marks
    its own characters once per nesting level.
    """
    mask = bytearray(len(text))
    openings = {opening: closing for opening, closing in pairs}
    closings = {closing: opening for opening, closing in pairs}
    pending: dict[str, list[int]] = {opening: [] for opening in openings}
    for i, ch in enumerate(text):
        if ch == "\n":
            for stack in pending.values():
                stack.clear()
            continue
        if ch in closings and pending[closings[ch]]:
            start = pending[closings[ch]].pop()
            mask[start + 1 : i] = b"\x01" * (i - start - 1)
        elif ch in openings:
            pending[ch].append(i)
    return mask
