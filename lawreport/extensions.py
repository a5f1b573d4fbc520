"""Every custom attribute lawreport sets, declared in one place.

Stored values are plain data (str, int, float, dict, list) so they survive
``DocBin(store_user_data=True)`` and ``nlp.pipe(..., n_process=2)``; views
that return spaCy objects (``doc._.sections``) are getters computed from
that plain data, never stored objects and never lambdas.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any
from weakref import WeakKeyDictionary

from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc, Span

from .traditional import simplified_view

#: Section types of the 2019 regulation's five parts (domain.md), plus PREAMBLE.
SECTION_TYPES = ("PREAMBLE", "ACHIEVEMENTS", "RESPONSIBILITY", "SHORTFALLS", "PLANS", "OTHER")
SENTENCE_CLASSES = ("ACHIEVEMENT", "SHORTFALL", "PLAN", "OTHER")
ENTITY_LABELS = ("DISTRICT", "MEASURE", "NUMBER", "UNIT")
QUALIFIERS = ("exact", "at_least", "about", "at_most")
UNIT_CATEGORIES = (
    "percent", "currency_cny", "person", "case", "event", "item",
    "organisation", "document", "duration", "other",
)


_TEXTS: WeakKeyDictionary[Doc, str] = WeakKeyDictionary()
_RULE_TEXTS: WeakKeyDictionary[Doc, str] = WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc.

    spaCy joins the tokens again on every ``doc.text`` (milliseconds on a
    report) and nearly every component needs the text; a Doc's text never
    changes (merges and splits keep it), so it is kept while the Doc lives.
    """
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


def remember_text(doc: Doc, text: str, view: str | None = None) -> None:
    """Record the text a tokenizer built ``doc`` from, if it spells the Doc (checked by length),
    and the simplified view of it the tokenizer segmented (:func:`rule_text`)."""
    if len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) == len(text):
        _TEXTS[doc] = text
        if view is not None and len(view) == len(text):
            _RULE_TEXTS[doc] = view


def rule_text(doc: Doc) -> str:
    """The text the rules read: ``doc_text(doc)``, or for a report in traditional characters
    its simplified view (:mod:`lawreport.traditional`).  Same length, so offsets found in it
    are offsets into the Doc; what lawreport quotes (spans, facts) comes from ``doc_text``."""
    text = _RULE_TEXTS.get(doc)
    if text is None:
        text = _RULE_TEXTS[doc] = simplified_view(doc_text(doc))
    return text


def token_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Character offsets where each token starts and ends, read in one array call
    (iterating the tokens builds a Python object per token)."""
    if not len(doc):
        return [], []
    offsets = doc.to_array([IDX, LENGTH])
    return offsets[:, 0].tolist(), (offsets[:, 0] + offsets[:, 1]).tolist()


def _spans(doc: Doc, records: list[dict[str, Any]] | None) -> list[Span]:
    """Spans for stored ``{"start", "end", ...}`` records (character offsets)."""
    spans = []
    for record in records or []:
        span = doc.char_span(record["start"], record["end"], alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans


def get_sections(doc: Doc) -> list[Span]:
    """Top-level sections as spans, built from ``doc._.section_records``."""
    return _spans(doc, doc._.section_records)


def get_headings(doc: Doc) -> list[Span]:
    """Every heading (any level) as a span, from ``doc._.heading_records``."""
    return _spans(doc, doc._.heading_records)


def _section_record(span: Span) -> dict[str, Any] | None:
    for record in span.doc._.section_records or []:
        if record["start"] <= span.start_char < record["end"]:
            return record
    return None


def get_section_type(span: Span) -> str | None:
    """Type of the top-level section the span starts in."""
    record = _section_record(span)
    return record["type"] if record else None


def get_section_title(span: Span) -> str | None:
    """Title of the top-level section the span starts in (None for the preamble)."""
    record = _section_record(span)
    return record["title"] if record else None


def get_heading(span: Span) -> str | None:
    """Text of the nearest heading at or above the span (any level)."""
    records = span.doc._.heading_records or []
    i = bisect_right([r["start"] for r in records], span.start_char) - 1
    return records[i]["title"] if i >= 0 else None


def register_extensions() -> None:
    """Declare the extensions; safe to call more than once."""
    doc_attrs: dict[str, dict[str, Any]] = {
        "section_records": {"default": None},
        "heading_records": {"default": None},
        "sections": {"getter": get_sections},
        "headings": {"getter": get_headings},
        "report": {"default": None},
        "facts": {"default": None},
    }
    span_attrs: dict[str, dict[str, Any]] = {
        "section_type": {"getter": get_section_type},
        "title": {"getter": get_section_title},
        "heading": {"getter": get_heading},
        "category": {"default": None},
        "category_scores": {"default": None},
        "value": {"default": None},
        "qualifier": {"default": None},
        "unit_category": {"default": None},
        "district_name": {"default": None},
        "district_code": {"default": None},
        "district_parents": {"default": None},
    }
    for name, kwargs in doc_attrs.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, **kwargs)
    for name, kwargs in span_attrs.items():
        if not Span.has_extension(name):
            Span.set_extension(name, **kwargs)


register_extensions()
