"""Report metadata: title, issuing body, the report's own district and year.

Read from the title lines at the top (``重庆市綦江区司法局2023年法治政府建设情况报告``),
falling back to the opening paragraph and the divisions the text names most.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc

from .extensions import doc_text, rule_text
from .gazetteer import Division, Gazetteer, Mention, find_mentions, load_gazetteer
from .text import is_web_furniture, split_lines, strip_markup
from .traditional import as_published

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_WORDS = re.compile(r"报告|法治政府建设(?:工作)?(?:情况|年度)")
_BODY_END = re.compile(r"(?:关于|[（(]?(?:19|20)\d{2}\s*年|法治政府建设)")
_ORG_SUFFIX = re.compile(r"(?:人民政府|政府|局|厅|委员会|委|办公室|办事处|中心|院|署|所)$")


def find_title(text: str, max_lines: int = 15) -> tuple[str, int, int] | None:
    """The report's title and its character span, from the first lines."""
    seen: list[tuple[str, int, int]] = []
    for line in split_lines(text):
        bare = strip_markup(line.text)
        if not bare:
            continue
        if len(seen) >= max_lines:
            break
        if (
            _TITLE_WORDS.search(bare)
            and len(bare) <= 80
            and not is_web_furniture(bare)
            and not re.search(r"[>＞»]", bare)
            and bare[-1] not in "。；;，,"
        ):
            start = line.start + line.text.index(bare)
            # A title whose first line is the issuing body: ``X司法局`` / ``关于…的报告``.
            if re.match(r"关于|(?:19|20)\d{2}", bare) and seen and _ORG_SUFFIX.search(seen[-1][0]):
                prev, prev_start, _ = seen[-1]
                return prev + bare, prev_start, start + len(bare)
            return bare, start, start + len(bare)
        seen.append((bare, line.start + line.text.index(bare), line.start + line.text.index(bare) + len(bare)))
    return None


def report_year(text: str, title: str | None) -> int | None:
    """The year the report covers: from the title, else the opening, else the most named."""
    if title and (match := _YEAR.search(title)):
        return int(match.group(1))
    for line in split_lines(text)[:40]:
        match = re.match(r"\s*((?:19|20)\d{2})\s*年(?:度)?[，,是以来]", line.text)
        if match:
            return int(match.group(1))
    years = Counter(int(y) for y in _YEAR.findall(text[:20000]))
    return years.most_common(1)[0][0] if years else None


def _most_specific(
    mentions: list[Mention], gazetteer: Gazetteer, elsewhere: tuple[str, ...] = ()
) -> tuple[str, Division | None] | None:
    """Resolve a contiguous chain (``重庆市沙坪坝区回龙坝镇``) to its last unit.

    The chain's own units come first as context; the divisions named
    elsewhere in the text settle a name the chain leaves ambiguous
    (``湖滨街道办事处`` alone: there are several 湖滨街道).
    """
    if not mentions:
        return None
    last = mentions[-1]
    if not last.codes:
        return last.text, None
    chain = tuple(c for m in mentions[:-1] for c in m.codes)
    return last.text, gazetteer.resolve(last.text, chain or elsewhere)


def report_district(text: str, body: str | None, gazetteer: Gazetteer) -> tuple[str, Division | None] | None:
    """The report's own division: named in the issuing body, else named most often."""
    mentions = find_mentions(text[:20000], gazetteer)
    codes = tuple(c for m in mentions for c in m.codes)
    if body:
        in_body = find_mentions(body, gazetteer)
        if in_body:
            return _most_specific(in_body, gazetteer, codes)
    if not mentions:
        return None
    counts = Counter(m.text for m in mentions)

    def rank(name: str) -> tuple[int, int, int]:
        division = gazetteer.resolve(name, codes) if not name.startswith("*") else None
        level = division.level if division else 3
        # Prefer county level, then town, then city, then province.
        preference = {3: 3, 4: 2, 2: 1, 1: 0}[level]
        return counts[name], preference, -[m.text for m in mentions].index(name)

    best = max(counts, key=rank)
    return best, (None if best.startswith("*") else gazetteer.resolve(best, codes))


def extract_report(text: str, gazetteer: Gazetteer) -> dict[str, object]:
    """Plain dict of report metadata (None for what the text does not give)."""
    found = find_title(text)
    title = found[0] if found else None
    body = None
    if title:
        match = _BODY_END.search(title)
        candidate = title[: match.start()].strip() if match else ""
        body = candidate or None
    district = report_district(text, body, gazetteer)
    name, division = district if district else (None, None)
    return {
        "title": title,
        "body": body,
        "district": division.name if division else name,
        "district_code": division.code if division else None,
        "year": report_year(text, title),
    }


@Language.factory("lawreport_report")
def create_report_reader(nlp: Language, name: str) -> ReportReader:
    return ReportReader()


class ReportReader:
    """Set ``doc._.report`` (title, body, district, district_code, year)."""

    def __call__(self, doc: Doc) -> Doc:
        view, text = rule_text(doc), doc_text(doc)
        report = extract_report(view, load_gazetteer())
        for key in ("title", "body"):  # as published, also in a traditional-character report
            report[key] = as_published(report[key], view, text)
        doc._.report = report
        return doc
