"""Sections: headings with their level, and the report's five parts typed.

In the spirit of medspaCy's sectionizer: headings are found by their
enumerator (``一、`` level 1, ``（一）`` 2, ``1.``/``1、`` 3, ``（1）`` 4; inline
leads ``一是`` are not headings), and each top-level section is typed from
title rules kept in a data file users can extend
(``lawreport/data/section_rules.json``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .extensions import SECTION_TYPES, doc_text, rule_text
from .text import (
    enumerator_value,
    heading_level,
    is_markdown_heading,
    is_web_furniture,
    split_lines,
    strip_markup,
)
from .traditional import as_published

_ENUMERATOR = re.compile(
    r"^(?:第[零〇一二两三四五六七八九十]+(?:部分|章|篇)|[零〇一二两三四五六七八九十]+\s*[、.．]|"
    r"[（(]\s*[零〇一二两三四五六七八九十0-9０-９]+\s*[）)]|[0-9０-９]{1,2}\s*[、．.]|[①-⑩])\s*"
)
_DEFAULT_RULES = "section_rules.json"
_PART = re.compile(r"^第[零〇一二两三四五六七八九十]+(?:部分|章|篇)")


@dataclass
class Heading:
    start: int
    end: int
    level: int  # 0 = an unenumerated heading line (``存在的问题``, ``# 标题``)
    number: int | None
    title: str

    def as_record(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "level": self.level, "title": self.title}


def load_rules(path: str | Path | None = None) -> list[tuple[str, list[re.Pattern[str]]]]:
    """Read title rules: the packaged file, or ``path`` if given."""
    if path:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    else:
        data = json.loads(resources.files("lawreport.data").joinpath(_DEFAULT_RULES).read_text(encoding="utf-8"))
    rules = []
    for i, rule in enumerate(data["rules"]):
        if rule.get("type") not in SECTION_TYPES:
            raise ValueError(f"{path or _DEFAULT_RULES}: rule {i} has unknown type {rule.get('type')!r}")
        rules.append((rule["type"], [re.compile(p) for p in rule["patterns"]]))
    return rules


def heading_title(text: str) -> str:
    """Title of a heading without markup, enumerator and closing 。."""
    return _ENUMERATOR.sub("", strip_markup(text)).rstrip("。.：: ").strip()


def classify_title(title: str, rules: list[tuple[str, list[re.Pattern[str]]]]) -> str | None:
    for section_type, patterns in rules:
        if any(p.search(title) for p in patterns):
            return section_type
    return None


def find_headings(doc: Doc, rules: list[tuple[str, list[re.Pattern[str]]]], max_length: int = 60) -> list[Heading]:
    """Sentences that are headings: an enumerator at line start, or a line
    standing alone that is marked up as a heading or that a title rule types
    (``存在的问题``)."""
    text = rule_text(doc)
    headings: list[Heading] = []
    for sent in doc.sents:
        start, end = _trim(text, sent.start_char, sent.end_char)
        if start >= end:
            continue
        if text[text.rfind("\n", 0, start) + 1 : start].strip():
            continue  # not at the start of a line
        raw = text[start:end]
        bare = strip_markup(raw)
        if not bare or len(bare) > max_length or is_web_furniture(bare):
            continue
        level = heading_level(raw)
        line_end = text.find("\n", end)
        whole_line = not text[end : line_end if line_end >= 0 else len(text)].strip()
        if level is not None:
            headings.append(Heading(start, end, level, enumerator_value(raw), heading_title(raw)))
        elif "报告" in bare:
            continue  # the report's title, not a part of it
        elif whole_line and (
            is_markdown_heading(raw)
            or (len(bare) <= 20 and bare[-1] not in "。；;，,：:" and classify_title(bare, rules))
        ):
            headings.append(Heading(start, end, 0, None, heading_title(raw)))
    # Reports divided into 第一部分…第五部分 number their sub-parts 一、二、:
    # then every other enumerator sits one level deeper.
    if any(h.level == 1 and _PART.match(strip_markup(text[h.start : h.end])) for h in headings):
        for h in headings:
            if h.level >= 1 and not _PART.match(strip_markup(text[h.start : h.end])):
                h.level += 1
    return headings


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def top_level(
    headings: list[Heading], rules: list[tuple[str, list[re.Pattern[str]]]]
) -> list[tuple[Heading, str | None]]:
    """Pick the headings that open the report's parts, with their rule type.

    The top level is the shallowest enumerated level whose titles the rules
    recognise.  An Arabic ``3、`` whose number continues the top-level
    sequence and whose title is recognised stands in that sequence (one seed
    does this), and so does an unenumerated heading line that the rules type.
    """
    typed = {id(h): classify_title(h.title, rules) for h in headings}
    levels = sorted({h.level for h in headings if h.level > 0 and typed[id(h)]})
    if not levels:
        return [(h, typed[id(h)]) for h in headings if h.level == 0 and typed[id(h)]]
    top = levels[0]
    chosen: list[tuple[Heading, str | None]] = []
    last_number = 0
    levels_in_part: set[int] = set()  # deeper levels already used inside the current part
    for h in headings:
        previous_type = chosen[-1][1] if chosen else None
        if h.level == top:
            chosen.append((h, typed[id(h)]))
            last_number = h.number or last_number
            levels_in_part = set()
        elif (
            h.level > top
            and h.level not in levels_in_part  # a stray, not item n of a 1. 2. 3. list
            and typed[id(h)] not in (None, previous_type)
            and last_number
            and h.number == last_number + 1
        ):
            chosen.append((h, typed[id(h)]))
            last_number = h.number
        elif h.level == 0 and typed[id(h)] not in (None, previous_type):
            chosen.append((h, typed[id(h)]))
        else:
            levels_in_part.add(h.level)
    return chosen


def trailer_start(text: str, after: int, max_line_length: int = 30) -> int | None:
    """Where page furniture after the report's end begins (signature, date,
    navigation, share buttons): the run of short unpunctuated lines that
    closes the text, if it starts after ``after``."""
    start = None
    for line in reversed(split_lines(text)):
        if line.end <= after:
            break
        stripped = line.stripped
        if not stripped:
            continue
        if len(stripped) > max_line_length or stripped[-1] in "。；;，,":
            break
        start = line.start + line.text.index(stripped[0])
    return start if start is not None and start > after else None


@Language.factory(
    "lawreport_sections",
    default_config={"rules_path": None, "max_heading_length": 60, "detect_trailer": True},
)
def create_sectionizer(
    nlp: Language, name: str, rules_path: str | None, max_heading_length: int, detect_trailer: bool
) -> Sectionizer:
    return Sectionizer(rules_path=rules_path, max_heading_length=max_heading_length, detect_trailer=detect_trailer)


class Sectionizer:
    """Set ``doc._.heading_records`` and ``doc._.section_records`` (hence
    ``doc._.sections``, ``span._.section_type``, ``span._.title``).

    Top-level sections a rule cannot type take the type of the section
    before them (a report that numbers its achievements ``一、二、三、``
    before ``四、存在的问题``), or ACHIEVEMENTS when they come first.
    """

    def __init__(
        self, rules_path: str | None = None, max_heading_length: int = 60, detect_trailer: bool = True
    ) -> None:
        self.rules_path = rules_path
        self.rules = load_rules(rules_path)
        self.max_heading_length = max_heading_length
        self.detect_trailer = detect_trailer

    def __call__(self, doc: Doc) -> Doc:
        text = rule_text(doc)
        headings = find_headings(doc, self.rules, self.max_heading_length)
        doc._.heading_records = [h.as_record() for h in headings]
        records: list[dict[str, Any]] = []
        end_of_text = len(text.rstrip())
        opened = top_level(headings, self.rules)
        first = opened[0][0].start if opened else end_of_text
        if first > 0 and text[:first].strip():
            records.append(_record(0, first, "PREAMBLE", None))
        previous = None
        for i, (heading, section_type) in enumerate(opened):
            end = opened[i + 1][0].start if i + 1 < len(opened) else end_of_text
            section_type = section_type or (previous if previous not in (None, "PREAMBLE") else "ACHIEVEMENTS")
            records.append(_record(heading.start, end, section_type, heading.title))
            previous = section_type
        if self.detect_trailer and records and opened:
            cut = trailer_start(text, opened[-1][0].end)
            if cut is not None:
                records[-1]["end"] = cut
                records.append(_record(cut, end_of_text, "OTHER", None))
        for record in records:
            record["start"], record["end"] = _trim(text, record["start"], record["end"])
        published = doc_text(doc)
        for record in [*doc._.heading_records, *records]:  # titles as published (traditional characters)
            record["title"] = as_published(record["title"], text, published, record["start"])
        doc._.section_records = [r for r in records if r["start"] < r["end"]]
        return doc


def _record(start: int, end: int, section_type: str, title: str | None) -> dict[str, Any]:
    return {"start": start, "end": end, "type": section_type, "title": title}
