"""Rule-based NUMBER and UNIT spans.

Numbers in these reports are regular: Arabic or Chinese numerals, decimals,
thousands separators, 万/亿 magnitudes, 余/多 suffixes, 百分之…, full-width
digits, and PDF line breaks inside them (``13⏎⏎2名``).  What takes care is
what is *not* a quantity (labels.md): years and dates, ordinals, enumerators,
numerals inside names, codes and slogans, page furniture.  Rules decide both,
so the behaviour is the same on any province's report and every exclusion is
written down here.

:func:`find_numbers` returns character spans; the ``lawreport_entities``
component aligns them to tokens and sets the normalised values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import enclosure_mask

_D = "0-9０-９"
#: Whitespace that contains a line break: a PDF break inside a number or unit.
_BREAK = r"(?:[ \t\u3000]*\n\s*)"
_DIGITS = rf"[{_D}](?:[{_D}]|{_BREAK}(?=[{_D}]))*"
_ARABIC = rf"{_DIGITS}(?:[,，][{_D}]{{3}}(?![{_D}]))*(?:{_BREAK}?[.．]{_BREAK}?{_DIGITS})?"
_CN_DIGIT = "零〇一二两三四五六七八九十百千"
_CN = rf"[{_CN_DIGIT}][{_CN_DIGIT}万亿]*"
_APPROX = r"(?:余|多)?"
_SCALE = r"(?:余|多)?(?:[万亿千](?![米克瓦]))*(?:余|多)?"

#: Measure words after a number, longest first (each alternative may carry a
#: PDF break between its characters, ``人⏎⏎次``).
UNITS = (
    "个百分点", "个工作日", "平方公里", "平方米", "百分点", "工作日", "个月", "小时", "分钟",
    "学时", "课时", "场次", "人次", "件次", "户次", "家次", "批次", "条次", "期次", "大类", "公里", "千米",
    "公顷",
    "%", "％", "‰", "件", "次", "人", "名", "个", "项", "家", "场", "条", "张", "份", "期", "篇", "块", "处",
    "起", "所", "元", "倍", "天", "周", "户", "台", "套", "部", "本", "类", "种", "支", "卷", "成", "岁",
    "幢", "栋", "册", "轮", "宗", "例", "位", "批", "堂", "课", "亩", "吨", "辆", "艘", "座", "间", "笔",
    "门", "节", "讲", "首", "幅", "队", "组", "村", "镇", "乡", "县", "区", "市", "省", "日", "年", "分",
    "米", "地",
)
_UNIT = "(?:" + "|".join(
    (_BREAK + "?").join(re.escape(ch) for ch in unit) if len(unit) > 1 else re.escape(unit)
    for unit in sorted(UNITS, key=len, reverse=True)
) + ")"

_NUMBER = re.compile(
    rf"(?P<num>一半|百分之{_BREAK}?(?:{_ARABIC}|{_CN})|{_ARABIC}{_SCALE}|{_CN}{_APPROX})"
    rf"(?P<gap>\s*)(?P<unit>{_UNIT})?"
)

#: Units that need a counting context after a Chinese numeral: ``三中全会``
#: has no unit, ``三市`` has one, ``一次性`` / ``一批`` are not quantities.
_CN_NOT_COUNTING_AFTER = re.compile(r"次性|批批|体化|站式|网通|网统|张图|码通|件事|把手|线|揽子|级")
#: Sets and slogans named by a numeral (labels.md): not quantities.
_NAMED_SETS = re.compile(
    r"[一二两三四五六七八九十]+(?:个|项|大|张|位)?(?:意识|自信|维护|确立|全面|亲自|百分百|一体)|三项制度"
)
#: Plenary sessions and meetings counted by ordinal: 二次三次四次全会.
_SESSIONS = re.compile(rf"(?:[{_CN_DIGIT}]+次[、和及]?)+(?:全会|全体会议|党代会)")
#: A date written with dashes or slashes: 2025-03-28.
_DATE_BEFORE = re.compile(rf"[{_D}]{{4}}\s*[-/.．年]\s*(?:[{_D}]{{1,2}}\s*[-/.．月]\s*)?$")
_YEAR = re.compile(rf"(?:1[89]|20|１[８９]|２０)[{_D}]{{2}}$")
_DATE_AFTER = re.compile(rf"^\s*(?:月|号|季度|学年|届|级|后|周年|时|点|[:：][{_D}]|·[{_D}])")
_ORDINAL_BEFORE = re.compile(
    r"(?:第|逢|届|No\.?|NO\.?|编号|代码|电话|热线|浏览次数|浏览量|点击量|点击数|阅读量|访问量)\s*[:：]?\s*$"
)
_ENUMERATOR = re.compile(rf"^[{_D}一二三四五六七八九十]+\s*[、.．)）](?![{_D}])")
_RANGE_AFTER = re.compile(rf"^\s*(?:至|到|-|—|–|~|～)\s*(?:[{_D}]|[{_CN_DIGIT}])")


@dataclass(frozen=True)
class NumberMatch:
    """A NUMBER span and, when the text gives one, its UNIT span (character offsets)."""

    start: int
    end: int
    unit_start: int | None = None
    unit_end: int | None = None


#: Marks around codes, slogans and titles: a numeral inside is part of a name.
QUOTES = (("“", "”"), ("《", "》"), ('"', '"'))


def _is_enumerator(text: str, start: int, end: int) -> bool:
    """``3、`` / ``1.`` / ``（二）`` / ``一是`` leading a line or clause."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    if after.startswith("是") and not re.match(r"是[{_D}]", after):
        return True
    if re.search(r"[（(]\s*$", before) and re.match(r"\s*[）)]", after):
        return True
    if _ENUMERATOR.match(text[start : end + 2]):
        line_start = text.rfind("\n", 0, start) + 1
        lead = text[line_start:start].strip()
        return lead == "" or lead[-1:] in "：:；;。，," or lead.endswith(("#", "*"))
    return False


def _is_table_cell(text: str, start: int, end: int) -> bool:
    """A bare figure in a markdown table row (``| 842 |``): the header carries the unit."""
    before = text[text.rfind("\n", 0, start) + 1 : start].rstrip(" \t")
    after = text[end : text.find("\n", end) if "\n" in text[end:] else len(text)].lstrip(" \t")
    return before.endswith("|") and after.startswith("|")


#: Zero counted by what did not happen (labels.md: ``0败诉``, ``零发生``); not slogans (零跑腿, 零距离).
_ZERO_EVENT = re.compile(r"\s*(?:败诉|发生|投诉|事故|差错|伤亡|上访|信访|越级上访|纠错|违法|违规|失误|延误|案件)")


def _is_quantity(text: str, match: re.Match[str], quoted: bytearray) -> bool:
    """Apply the non-number rules of labels.md to one candidate."""
    num = match.group("num")
    start, end = match.start("num"), match.end("num")
    unit = match.group("unit")
    compact = "".join(num.split()).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    before = text[max(0, start - 8) : start]
    after = text[end : end + 6]
    is_cn = compact[0] in _CN_DIGIT or compact == "一半"
    if _ORDINAL_BEFORE.search(before) or quoted[start] or _is_enumerator(text, start, end):
        return False
    if not is_cn and not compact.startswith("百分之"):
        if _YEAR.match(compact) and (not unit or unit == "年" or _DATE_AFTER.match(after)):
            return False
        if _DATE_AFTER.match(after) or _DATE_BEFORE.search(before) or (unit == "日" and re.search(r"月\s*$", before)):
            return False
        if len(re.sub(r"\D", "", compact)) >= 7 and not unit and not re.search("[万亿]", compact):
            return False  # phone numbers, codes
        if re.search(r"(?:[A-Za-z]|[{_D}A-Za-z]\s*[+＋])\s*$", before) or re.match(r"\s*[A-Za-z+＋]", after):
            return False  # codes such as 1+N+1, 5G, 12345热线
        if not unit:
            return bool(
                re.search("[万亿]", compact)
                or _RANGE_AFTER.match(after)
                or _is_table_cell(text, start, end)
                or (compact == "0" and _ZERO_EVENT.match(after))
            )
        if unit in ("%", "％", "‰"):
            return True
        previous = text[start - 1 : start]
        if previous and re.match(r"[A-Za-z\u4e00-\u9fff]", previous) and re.match(
            r"\s*(?:热线|号|路|街|巷|弄|栋)", after
        ):
            return False
        return True
    # Chinese numerals
    if compact.startswith("百分之") or compact == "一半":
        return True
    if compact == "零" and not unit:
        return bool(_ZERO_EVENT.match(after))
    if _NAMED_SETS.match(text, start) or _SESSIONS.match(text, start) or re.match(r"[〇零]", compact):
        return False
    if not unit:
        return bool(_RANGE_AFTER.match(after) and len(compact) > 1)
    if unit in ("位", "名") and re.search(r"[前后]$", before):
        return False  # ranks: 排名后三位
    if compact == "一" and unit in ("个", "项", "次", "批", "张", "件", "年", "支", "种", "条", "家", "套"):
        if _CN_NOT_COUNTING_AFTER.match(text, end) or unit in ("批", "套"):
            return False
    if _CN_NOT_COUNTING_AFTER.match(text, end):
        return False
    if unit in ("年", "区", "县", "市", "镇", "乡", "村", "省", "分", "日") and len(compact) == 1 and compact != "两":
        # 三年行动, 一区两群: a name more often than a count; 三市 after a list is a count
        listed = re.search(r"[、和及]\S{1,6}$", text[max(0, start - 12) : start]) is not None
        return unit in ("市", "县", "区") and listed
    return True


def find_numbers(text: str, word_starts: frozenset[int] | set[int] | None = None) -> list[NumberMatch]:
    """Every NUMBER (with its UNIT, if any) that states a quantity in ``text``.

    ``word_starts`` (token start offsets) keeps Chinese numerals that sit
    inside a word out: 统一部署, 千家万户, 进一步.
    """
    found: list[NumberMatch] = []
    quoted = enclosure_mask(text, QUOTES)
    for match in _NUMBER.finditer(text):
        start, end = match.start("num"), match.end("num")
        if word_starts is not None and start not in word_starts and text[start] in _CN_DIGIT:
            continue
        # a digit or letter glued to the left is part of a code or name: 5G, A3, 酉阳800 is handled below
        if start > 0 and re.match(rf"[{_D}A-Za-z.．]", text[start - 1]):
            continue
        if not _is_quantity(text, match, quoted):
            continue
        unit = match.group("unit")
        if unit:
            found.append(NumberMatch(start, end, match.start("unit"), match.end("unit")))
        else:
            found.append(NumberMatch(start, end))
    return found
