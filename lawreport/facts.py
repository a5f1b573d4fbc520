"""Quantitative facts: each NUMBER tied to its UNIT, the MEASURE it quantifies, and its district.

``lawreport_facts`` runs last and writes ``doc._.facts``, a list of plain
dicts (api.md), so facts survive DocBin and ``nlp.pipe(n_process=...)``.

The governing MEASURE is chosen within the number's clause (cut at ，；：。
but not at 、, which joins list items), in this order:

1. a MEASURE right after the NUMBER and its UNIT (``新建23个⟦服务站⟧``: the
   count precedes its noun, whatever stands before it);
2. otherwise the nearest MEASURE before the NUMBER in the clause
   (``⟦调解成功率⟧为99.8％``, ``办理⟦建议⟧1,027件、⟦提案⟧1,164件``);
3. otherwise, when the clause has none, the last MEASURE of the previous
   clause if the clause continues it without a new subject
   (``受理⟦案件⟧660件，同比增长12%``).

The district is the DISTRICT nearest before the number in its sentence,
else the report's own district: ``我区``, ``全区``, ``全县`` resolve to it.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from .extensions import doc_text, rule_text

_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?\n]")
#: Characters allowed between a UNIT and the measure it counts: 23个⟦服务站⟧, 3名的⟦…⟧.
_COUNT_GAP = re.compile(r"^[\s的]{0,2}$")
#: Clause openings that continue the previous clause's measure: 同比增长12%.
_CONTINUATION = re.compile(r"^\s*(?:同比|环比|较上年|比上年|较去年|其中|占|分别|均|增长|下降|提高|上升|减少|增加)")


def _clause_bounds(text: str, start: int, sentence: Span) -> tuple[int, int]:
    """Character bounds of the clause around ``start`` within its sentence."""
    lo = sentence.start_char
    for match in _CLAUSE_BREAK.finditer(text, lo, start):
        lo = match.end()
    hi_match = _CLAUSE_BREAK.search(text, start, sentence.end_char)
    return lo, hi_match.start() if hi_match else sentence.end_char


def governing_measure(number: Span, unit: Span | None, measures: list[Span], sentence: Span) -> Span | None:
    """The MEASURE ``number`` quantifies (see module docstring), or None."""
    text = rule_text(number.doc)
    lo, hi = _clause_bounds(text, number.start_char, sentence)
    after = unit.end_char if unit is not None else number.end_char
    for measure in measures:
        if after <= measure.start_char < hi and _COUNT_GAP.match(text[after : measure.start_char]):
            return measure
    before = [m for m in measures if lo <= m.start_char and m.end_char <= number.start_char]
    if before:
        return before[-1]
    if any(lo <= m.start_char < hi for m in measures):
        return None  # the clause names its own measure after the number: not this one
    if _CONTINUATION.match(text[lo:number.start_char]) and lo > sentence.start_char:
        previous_lo, _ = _clause_bounds(text, lo - 1, sentence)
        earlier = [m for m in measures if previous_lo <= m.start_char and m.end_char <= lo]
        if earlier:
            return earlier[-1]
    return None


def doc_facts(doc: Doc) -> list[dict[str, Any]]:
    """Facts of ``doc`` as plain dicts (api.md ``doc._.facts``)."""
    report = doc._.report or {}
    ents = list(doc.ents)
    text = doc_text(doc)
    facts: list[dict[str, Any]] = []
    first = 0  # entities and sentences both run left to right: one pass, linear in the document
    for sentence in doc.sents:
        while first < len(ents) and ents[first].start < sentence.start:
            first += 1
        last = first
        while last < len(ents) and ents[last].end <= sentence.end:
            last += 1
        inside = ents[first:last]
        measures = [e for e in inside if e.label_ == "MEASURE"]
        for i, number in enumerate(inside):
            if number.label_ != "NUMBER":
                continue
            following = inside[i + 1] if i + 1 < len(inside) else None
            unit = following if following is not None and following.label_ == "UNIT" else None
            if unit is not None and text[number.end_char : unit.start_char].strip():
                unit = None
            districts = [e for e in inside[:i] if e.label_ == "DISTRICT"]
            district = districts[-1] if districts else None
            measure = governing_measure(number, unit, measures, sentence)
            facts.append(
                {
                    "district": district._.district_name if district is not None else report.get("district"),
                    "district_code": district._.district_code if district is not None else report.get("district_code"),
                    "year": report.get("year"),
                    "section_type": sentence._.section_type,
                    "category": sentence._.category,
                    "measure": text[measure.start_char : measure.end_char] if measure is not None else None,
                    "value": number._.value,
                    "qualifier": number._.qualifier,
                    "unit": text[unit.start_char : unit.end_char] if unit is not None else None,
                    "unit_category": unit._.unit_category if unit is not None else None,
                    "sentence": text[sentence.start_char : sentence.end_char].strip(),
                    "start": number.start_char,
                    "end": number.end_char,
                    "measure_start": measure.start_char if measure is not None else None,
                    "measure_end": measure.end_char if measure is not None else None,
                }
            )
    return facts


@Language.factory("lawreport_facts", assigns=["doc._.facts"], requires=["doc.ents", "doc._.report"])
def make_fact_linker(nlp: Language, name: str) -> FactLinker:
    return FactLinker()


class FactLinker:
    """Sets ``doc._.facts`` (see module docstring)."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.facts = doc_facts(doc)
        return doc
