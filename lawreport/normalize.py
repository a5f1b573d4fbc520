"""Normalisation of entity text: numeric values and qualifiers, unit categories, districts.

Used by the annotation tools to fill the gold normalisation fields and by
the entity components to set ``._.value``, ``._.qualifier``,
``._.unit_category`` and ``._.district_*``.  Chinese numerals go through
cn2an rather than a converter of our own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import cn2an

from .gazetteer import MASKED_DIVISION, Gazetteer, prefix_reach

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
    raw = raw.rstrip("余多")  # 20余万: the suffix may stand before the magnitude
    try:  # decimal arithmetic: 4.6亿 is 460000000, not 459999999.99999994
        return float(Decimal(raw) * Decimal(int(scale)))
    except InvalidOperation:
        pass
    if raw == "百":
        return 100.0 * scale
    try:
        return float(cn2an.cn2an(raw, "smart")) * scale
    except (ValueError, KeyError, IndexError):
        return None


def number_qualifier(text: str, before: str, after: str, unit: str | None = None) -> str:
    """``exact``/``at_least``/``about``/``at_most`` from the span and the words around it.

    ``before`` and ``after`` are a few characters of context on each side.  A
    word after the number qualifies it only right after the number or its
    ``unit`` (95%以上, 3个月以内), not further on: in ``66个市级以上示范村`` the
    以上 belongs to 市级.  Without ``unit``, a unit of up to two characters is
    allowed for.
    """
    span = compact(text)
    before, after = compact(before), compact(after)
    for word, qualifier in QUALIFIER_BEFORE:
        # 达/平均 only say "exactly" when nothing else qualifies: 达85%以上 is at_least
        if before.endswith(word) and qualifier != "exact":
            return qualifier
    if re.search(r"[余多]", span):  # 500余, 20余万, 三十多
        return "at_least"
    unit = compact(unit) if unit is not None else None
    if unit and after.startswith(unit):
        after = after[len(unit) :]
    skips = (0,) if unit is not None else (0, 1, 2)
    for word, qualifier in QUALIFIER_AFTER:
        if any(after.startswith(word, skip) for skip in skips):
            return qualifier
    return "exact"


#: Characters of context before a NUMBER, and after it (its unit and a qualifier:
#: 30个工作日以内), that carry its qualifier.
QUALIFIER_BEFORE_CHARS = 4
QUALIFIER_AFTER_CHARS = 10


def qualifier_at(text: str, start: int, end: int, unit: str | None = None) -> str:
    """The qualifier of the NUMBER at ``text[start:end]`` (followed by ``unit``, if it has one)."""
    return number_qualifier(
        text[start:end],
        text[max(0, start - QUALIFIER_BEFORE_CHARS) : start],
        text[end : end + QUALIFIER_AFTER_CHARS],
        unit,
    )


def unit_category(text: str) -> str:
    """Category of a UNIT span (api.md), ``other`` when not in the table."""
    return UNIT_CATEGORIES.get(compact(text), "other")


def district_normalisation(text: str, gazetteer: Gazetteer, context: tuple[str, ...] = ()) -> dict[str, object]:
    """Canonical name, code and parents of a DISTRICT span.

    A chain (``重庆市沙坪坝区回龙坝镇``, ``上海浦东``) normalises to its most
    specific unit, each part resolved under the parts before it and the
    ``context`` codes (the report's own district first); a short form to its
    full name; masked names, villages and communities keep their text, code
    None, and the parents the chain gives.
    """
    name = compact(text)
    if MASKED_DIVISION.fullmatch(name) or MASKED_DIVISION.search(name[-4:]):
        return {"district_name": name, "district_code": None, "district_parents": []}
    resolved = None
    for i, part in enumerate(split_chain(name, gazetteer)):
        nearer = ((resolved.code,) if resolved else ()) + context
        division = gazetteer.resolve(part, nearer)
        if division is None:
            tail = "".join(split_chain(name, gazetteer)[i:])
            parents = [*gazetteer.parents(resolved.code), resolved.name] if resolved else []
            return {"district_name": tail, "district_code": None, "district_parents": parents}
        resolved = division
    if resolved is None:
        return {"district_name": name, "district_code": None, "district_parents": []}
    return {
        "district_name": resolved.name,
        "district_code": resolved.code,
        "district_parents": gazetteer.parents(resolved.code),
    }


def normalise_spans(
    text: str, spans: Sequence[tuple[int, int, str]], gazetteer: Gazetteer, context: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """The normalisation fields of each span ``(start, end, label)`` of ``text``, spans in order.

    NUMBER: ``value`` and ``qualifier`` (read with the UNIT right after it, if
    any); UNIT: ``unit_category``; DISTRICT: :func:`district_normalisation` in
    ``context`` (the same name resolved once); MEASURE: nothing.  The pipeline
    and the annotation tools both call this, so gold and predicted spans are
    normalised alike.
    """
    districts: dict[str, dict[str, Any]] = {}
    fields: list[dict[str, Any]] = []
    for (start, end, label), following in zip(spans, [*spans[1:], None], strict=False):  # a text may have none
        covered = text[start:end]
        if label == "NUMBER":
            unit = text[following[0] : following[1]] if following is not None and following[2] == "UNIT" else ""
            fields.append({"value": number_value(covered), "qualifier": qualifier_at(text, start, end, unit)})
        elif label == "UNIT":
            fields.append({"unit_category": unit_category(covered)})
        elif label == "DISTRICT":
            if covered not in districts:
                districts[covered] = district_normalisation(covered, gazetteer, context)
            fields.append(districts[covered])
        else:
            fields.append({})
    return fields


_VILLAGE = re.compile(r"[\u4e00-\u9fff]{1,6}(?:村|社区|居委会|嘎查)")


def split_chain(name: str, gazetteer: Gazetteer) -> list[str]:
    """Cut a division chain into its names, longest first: ``上海浦东`` -> [上海, 浦东].

    What follows the last known name (a village, a community) is one part.
    """
    parts: list[str] = []
    i = 0
    while i < len(name):
        if i and _VILLAGE.fullmatch(name, i) and name[i:] not in gazetteer.by_name:
            parts.append(name[i:])
            break
        for end in range(prefix_reach(name, i, gazetteer.name_prefixes), i + 1, -1):
            if gazetteer.candidates(name[i:end]):
                parts.append(name[i:end])
                i = end
                break
        else:
            parts.append(name[i:])
            break
    return parts
