"""Normalisation of entity text: numeric values and qualifiers, unit categories, districts.

Used by the annotation tools to fill the gold normalisation fields and by
the entity components to set ``._.value``, ``._.qualifier``,
``._.unit_category`` and ``._.district_*``.  Chinese numerals go through
cn2an rather than a converter of our own.
"""

from __future__ import annotations

import re

import cn2an

from .gazetteer import MASKED_DIVISION, Gazetteer, find_mentions

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_MAGNITUDE = {"万": 1e4, "亿": 1e8, "千": 1e3}

#: Words before a number that qualify it, longest first, and after it.
QUALIFIER_BEFORE = (
    ("不超过", "at_most"),
    ("不低于", "at_least"),
    ("不少于", "at_least"),
    ("超过", "at_least"),
    ("至少", "at_least"),
    ("不足", "at_most"),
    ("不到", "at_most"),
    ("低于", "at_most"),
    ("平均", "exact"),
    ("约", "about"),
    ("近", "about"),
    ("逾", "at_least"),
    ("达", "exact"),
)
QUALIFIER_AFTER = (
    ("及以上", "at_least"),
    ("以上", "at_least"),
    ("左右", "about"),
    ("以内", "at_most"),
    ("以下", "at_most"),
)

#: Unit text -> category (api.md).  Units not listed are ``other``.
UNIT_CATEGORIES: dict[str, str] = {
    **dict.fromkeys(["%", "％"], "percent"),
    **dict.fromkeys(["元", "块"], "currency_cny"),
    **dict.fromkeys(["人", "名", "人次", "位", "户", "户次", "员"], "person"),
    **dict.fromkeys(["件", "宗", "起", "例", "件次"], "case"),
    **dict.fromkeys(["次", "场", "场次", "期", "批次", "轮", "堂", "课"], "event"),
    **dict.fromkeys(["项", "个", "条", "类", "种", "处", "台", "套", "批", "张", "支", "部"], "item"),
    **dict.fromkeys(["家", "所", "个单位", "队"], "organisation"),
    **dict.fromkeys(["份", "篇", "本", "册", "期刊"], "document"),
    **dict.fromkeys(["天", "日", "小时", "个月", "月", "年", "周", "个工作日", "工作日", "分钟"], "duration"),
}


def compact(text: str) -> str:
    """Entity text without whitespace (PDF breaks inside a span: ``13⏎⏎2``)."""
    return "".join(text.split())


def number_value(text: str) -> float | None:
    """The value of a NUMBER span: ``1.16万`` -> 11600, ``百分之百`` -> 100, ``三十余`` -> 30."""
    raw = compact(text).translate(_FULL_WIDTH)
    raw = _THOUSANDS.sub("", raw).rstrip("余多")
    if raw.startswith("百分之"):
        raw = raw[3:]
    if raw in ("一半", "半"):
        return 0.5
    scale = 1.0
    while raw and raw[-1] in _MAGNITUDE and not re.fullmatch(r"[零〇一二两三四五六七八九十百千万亿]+", raw):
        scale *= _MAGNITUDE[raw[-1]]
        raw = raw[:-1]
    try:
        return float(raw) * scale
    except ValueError:
        pass
    if raw == "百":
        return 100.0 * scale
    try:
        return float(cn2an.cn2an(raw, "smart")) * scale
    except (ValueError, KeyError, IndexError):
        return None


def number_qualifier(text: str, before: str, after: str) -> str:
    """``exact``/``at_least``/``about``/``at_most`` from the span and the words around it.

    ``before`` and ``after`` are a few characters of context on each side.
    """
    span = compact(text)
    before, after = compact(before), compact(after)
    for word, qualifier in QUALIFIER_BEFORE:
        # 达/平均 only say "exactly" when nothing else qualifies: 达85%以上 is at_least
        if before.endswith(word) and qualifier != "exact":
            return qualifier
    if span.endswith(("余", "多")):
        return "at_least"
    for word, qualifier in QUALIFIER_AFTER:
        # the unit (one or two characters) may stand between: 95%以上, 3个月以内
        if word in after[: len(word) + 4]:
            return qualifier
    return "exact"


def unit_category(text: str) -> str:
    """Category of a UNIT span (api.md), ``other`` when not in the table."""
    return UNIT_CATEGORIES.get(compact(text), "other")


def district_normalisation(text: str, gazetteer: Gazetteer, context: tuple[str, ...] = ()) -> dict[str, object]:
    """Canonical name, code and parents of a DISTRICT span.

    A chain (``重庆市沙坪坝区回龙坝镇``) normalises to its most specific unit,
    resolved under the units before it; a short form to its full name;
    masked names, villages and communities keep their text and code None.
    """
    name = compact(text)
    if MASKED_DIVISION.fullmatch(name) or MASKED_DIVISION.search(name[-4:]):
        return {"district_name": name, "district_code": None, "district_parents": []}
    mentions = find_mentions(name, gazetteer, min_length=2)
    chain_codes: tuple[str, ...] = tuple(c for m in mentions for c in m.codes)
    last = mentions[-1] if mentions and mentions[-1].end == len(name) else None
    target = last.text if last else name
    division = gazetteer.resolve(target, chain_codes[: -len(last.codes)] + context if last else chain_codes + context)
    if division is None and last is None and mentions:
        # a short form or village after known units: ``江苏苏州`` / ``喜洲镇周城村``
        tail = name[mentions[-1].end :]
        division = gazetteer.resolve(tail, chain_codes + context)
        if division is None:
            parent = gazetteer.resolve(mentions[-1].text, chain_codes + context)
            parents = [*gazetteer.parents(parent.code), parent.name] if parent else []
            return {"district_name": tail or name, "district_code": None, "district_parents": parents}
    if division is None:
        return {"district_name": name, "district_code": None, "district_parents": []}
    return {
        "district_name": division.name,
        "district_code": division.code,
        "district_parents": gazetteer.parents(division.code),
    }
