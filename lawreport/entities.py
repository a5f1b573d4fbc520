"""The one place that decides the entities: rules and model merged, normalised.

``lawreport_entities`` runs after the statistical ``ner``.  For each label
its config says where the spans come from (``rules``, ``model`` or
``both``): NUMBER and UNIT from :mod:`lawreport.numbers`, DISTRICT from
:mod:`lawreport.districts` and the gazetteer, MEASURE from the model, by
default — the split the cross-validation in docs/evaluation.md chose.
A model MEASURE that stops or starts inside a 《》 title or a quoted name is
first extended to the partner mark (:func:`whole_measure`: labels.md keeps
them whole).  Overlaps are settled here and nowhere else:

1. a DISTRICT inside a MEASURE that is a 《》 title or a quoted name yields
   to the MEASURE (labels.md precedence);
2. otherwise spans win in ``precedence`` order (default DISTRICT, NUMBER,
   UNIT, MEASURE), and a MEASURE that overlaps a winner is trimmed to its
   tokens outside it, or dropped when nothing is left.

Then every span gets its normalisation: ``._.value``/``._.qualifier`` on
NUMBER, ``._.unit_category`` on UNIT, ``._.district_*`` on DISTRICT,
resolved in the context of the report's own district and the other
divisions the report names.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .districts import find_districts
from .extensions import ENTITY_LABELS, doc_text, rule_text, token_bounds
from .gazetteer import Gazetteer, load_gazetteer
from .normalize import normalise_spans
from .numbers import find_numbers

SOURCES = ("rules", "model", "both")
DEFAULT_SOURCES = {"NUMBER": "rules", "UNIT": "rules", "DISTRICT": "rules", "MEASURE": "model"}
DEFAULT_PRECEDENCE = ["DISTRICT", "NUMBER", "UNIT", "MEASURE"]
_TITLE_MARKS = ("《", "“", '"', "「")
#: Marks a MEASURE never leaves open: a title or a quoted name is kept whole (labels.md).
_PAIRED_MARKS = (("《", "》"), ("“", "”"), ("「", "」"), ("‘", "’"), ("（", "）"), ("(", ")"))
#: How far (in characters, inside its sentence) a MEASURE is extended to reach its other mark.
_MARK_REACH = 60


def rule_spans(doc: Doc, gazetteer: Gazetteer) -> list[tuple[int, int, str]]:
    """Character spans ``(start, end, label)`` the rules find in ``doc``."""
    token_starts, token_ends = token_bounds(doc)
    starts = frozenset(token_starts)
    bounds = starts | frozenset(token_ends)
    text = rule_text(doc)
    spans: list[tuple[int, int, str]] = []
    for match in find_numbers(text, starts):
        spans.append((match.start, match.end, "NUMBER"))
        if match.unit_start is not None and match.unit_end is not None:
            spans.append((match.unit_start, match.unit_end, "UNIT"))
    own = (doc._.report or {}).get("district_code")
    spans.extend((m.start, m.end, "DISTRICT") for m in find_districts(text, gazetteer, bounds, own))
    return spans


def whole_measure(span: Span, text: str) -> Span:
    """``span`` with its paired marks closed and no whitespace at its edges (labels.md).

    The ner sometimes stops inside a title or a quoted name (``《…改革`` for
    ``《…改革全面提升…》``, ``“镇（街道）队`` for ``“镇（街道）队合一”管理体制``) or
    starts inside one; the span is extended, within its sentence and
    :data:`_MARK_REACH` characters, to the mark that closes (or opens) it.
    A mark with no partner there leaves the span as it was.
    """
    start, end = span.start_char, span.end_char
    sentence = span.sent
    lo, hi = sentence.start_char, sentence.end_char
    for opener, closer in _PAIRED_MARKS:
        piece = text[start:end]
        opened, closed = piece.count(opener), piece.count(closer)
        if opened > closed:
            at = _partner(text, range(end, min(hi, end + _MARK_REACH)), closer, opener, opened - closed)
            end = at + 1 if at >= 0 else end
        elif closed > opened:
            back = range(start - 1, max(lo, start - _MARK_REACH) - 1, -1)
            at = _partner(text, back, opener, closer, closed - opened)
            start = at if at >= 0 else start
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if (start, end) == (span.start_char, span.end_char):
        return span
    whole = span.doc.char_span(start, end, label=span.label, alignment_mode="expand")
    return whole if whole is not None and len(whole) else span


def _partner(text: str, positions: range, mark: str, other: str, wanted: int) -> int:
    """Where, walking ``positions``, the ``wanted``-th unmatched ``mark`` is (pairs of ``other``
    and ``mark`` met on the way nest and are skipped), or -1 if it is not there."""
    for i in positions:
        if text[i] == other:
            wanted += 1
        elif text[i] == mark:
            wanted -= 1
            if wanted == 0:
                return i
    return -1


def _to_span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    """A token span for character offsets; boundaries inside a token are contracted."""
    return doc.char_span(start, end, label=label) or doc.char_span(start, end, label=label, alignment_mode="contract")


def merge_entities(candidates: list[Span], precedence: list[str]) -> list[Span]:
    """Non-overlapping entities from candidates, by the precedence rules above."""
    if not candidates:
        return []
    doc = candidates[0].doc
    text = doc_text(doc)  # Span.text joins the span's tokens again on every call
    measures = [s for s in candidates if s.label_ == "MEASURE"]
    titled: dict[int, list[Span]] = {}  # token -> the titled MEASUREs that start at or before it and cover it
    for m in measures:
        if any(mark in text[m.start_char : m.end_char] for mark in _TITLE_MARKS):
            for i in range(m.start, m.end):
                titled.setdefault(i, []).append(m)

    def yields(span: Span) -> bool:
        return span.label_ == "DISTRICT" and any(
            span.end <= m.end and (m.start, m.end) != (span.start, span.end) for m in titled.get(span.start, ())
        )

    rank = {label: i for i, label in enumerate(precedence)}
    ordered = sorted(
        (s for s in candidates if not yields(s)),
        key=lambda s: (rank.get(s.label_, len(rank)), s.start, -len(s)),
    )
    taken = [False] * len(doc)
    chosen: list[Span] = []
    for span in ordered:
        if span.label_ == "MEASURE":
            # trim a measure to its longest run of free tokens
            best: tuple[int, int] | None = None
            run_start = None
            for i in range(span.start, span.end + 1):
                free = i < span.end and not taken[i]
                if free and run_start is None:
                    run_start = i
                elif not free and run_start is not None:
                    if best is None or i - run_start > best[1] - best[0]:
                        best = (run_start, i)
                    run_start = None
            if best is None:
                continue
            span = Span(doc, best[0], best[1], label="MEASURE")
            if not text[span.start_char : span.end_char].strip():
                continue
        elif any(taken[i] for i in range(span.start, span.end)):
            continue
        for i in range(span.start, span.end):
            taken[i] = True
        chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def normalise(doc: Doc, ents: list[Span], gazetteer: Gazetteer) -> None:
    """Set ``._.value``, ``._.qualifier``, ``._.unit_category``, ``._.district_*``."""
    report = doc._.report or {}
    own = report.get("district_code")
    context: list[str] = [d.code for d in gazetteer.chain(own)] if own else []
    text = rule_text(doc)  # values, units and names are read in simplified characters
    # unambiguous names elsewhere in the report are context too
    for span in ents:
        if span.label_ == "DISTRICT":
            candidates = gazetteer.candidates("".join(text[span.start_char : span.end_char].split()))
            if len(candidates) == 1:
                context.append(candidates[0].code)
    offsets = [(span.start_char, span.end_char, span.label_) for span in ents]
    for span, fields in zip(ents, normalise_spans(text, offsets, gazetteer, tuple(context)), strict=True):
        for name, value in fields.items():
            setattr(span._, name, value)


class EntityMerger:
    """Rules and model spans to ``doc.ents``, normalised (see module docstring)."""

    def __init__(self, nlp: Language, name: str, sources: dict[str, str], precedence: list[str]) -> None:
        unknown = {k for k in sources if k not in ENTITY_LABELS} | {v for v in sources.values() if v not in SOURCES}
        if unknown:
            raise ValueError(f"lawreport_entities: unknown labels or sources in config: {sorted(unknown)}")
        self.name = name
        self.sources = {**DEFAULT_SOURCES, **sources}
        self.precedence = list(precedence)
        self.gazetteer = load_gazetteer()

    def __call__(self, doc: Doc) -> Doc:
        text = rule_text(doc)
        candidates = [
            whole_measure(e, text) if e.label_ == "MEASURE" else e
            for e in doc.ents
            if self.sources.get(e.label_, "model") in ("model", "both")
        ]
        for start, end, label in rule_spans(doc, self.gazetteer):
            if self.sources.get(label) in ("rules", "both"):
                span = _to_span(doc, start, end, label)
                if span is not None and len(span):
                    candidates.append(span)
        ents = merge_entities(candidates, self.precedence)
        doc.set_ents(ents, default="outside")
        normalise(doc, ents, self.gazetteer)  # the spans doc.ents now holds: the extensions are keyed by offsets
        return doc


@Language.factory(
    "lawreport_entities",
    default_config={"sources": DEFAULT_SOURCES, "precedence": DEFAULT_PRECEDENCE},
    assigns=["doc.ents", "span._.value", "span._.qualifier", "span._.unit_category", "span._.district_code"],
    requires=["doc._.report"],
)
def make_entity_merger(nlp: Language, name: str, sources: dict[str, str], precedence: list[str]) -> EntityMerger:
    return EntityMerger(nlp, name, sources, precedence)
