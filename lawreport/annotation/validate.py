"""Check annotation JSONL against docs/annotation.md before it is trained on.

Every problem names file, line, record and span, so an annotator can fix it
without reading code.  Format errors are errors; spans that do not fall on
the tokenizer's boundaries are warnings, because the segmenter is statistical
and a correct span may still cut a token (the trainer then loses that span).
"""

from __future__ import annotations

import argparse
import bisect
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from ..extensions import ENTITY_LABELS, QUALIFIERS, SENTENCE_CLASSES, UNIT_CATEGORIES
from ..pipeline import ModelError, load
from ..readers import printable
from ..text import LONE_SURROGATE
from .jsonl import (
    META_KEYS,
    NORMALISATION_FIELDS,
    OPTIONAL_RECORD_KEYS,
    RECORD_KEYS,
    AnnotationFileError,
    scan_records,
)

DISTRICT_CODE = re.compile(r"[0-9]{6}(?:[0-9]{3})?")
#: After this many unreadable lines with no readable record, a file is taken not to be JSONL.
MAX_BAD_LINES = 20

Tokens = Doc | Sequence[tuple[int, int]]


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One finding, printable as ``file:line [id] span 120-124 NUMBER: message``."""

    file: str | None = None
    line: int | None = None
    record_id: str | None = None
    #: ``(start, end, label)`` of what the problem is about, or None for the record as a whole.
    span: tuple[Any, Any, str | None] | None = None
    message: str
    severity: str = "error"
    #: What ``span`` points at: ``span`` (an entity), ``sentence`` or ``text`` (uncovered characters).
    kind: str = "span"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else (self.file or "<record>")
        parts = [where]
        if self.record_id is not None:
            parts.append(f"[{self.record_id}]")
        if self.span is not None:
            start, end, label = self.span
            parts.append(f"{self.kind} {start}-{end}" + (f" {label}" if label else ""))
        prefix = "warning: " if self.severity == "warning" else ""
        return printable(" ".join(parts) + f": {prefix}{self.message}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _type_ok(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in types
    return isinstance(value, types)


def _type_names(types: tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", bool: "true or false", dict: "an object", list: "a list"}
    return " or ".join("null" if t is type(None) else names.get(t, t.__name__) for t in types)


#: Per normalisation field: the test a value must pass and what it should be.
FIELD_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "value": (_is_number, "a finite number"),
    "qualifier": (lambda v: isinstance(v, str) and v in QUALIFIERS, "one of " + ", ".join(QUALIFIERS)),
    "unit_category": (lambda v: isinstance(v, str) and v in UNIT_CATEGORIES, "one of " + ", ".join(UNIT_CATEGORIES)),
    "district_name": (lambda v: isinstance(v, str) and bool(v.strip()), "a non-empty string"),
    "district_code": (
        lambda v: v is None or (isinstance(v, str) and DISTRICT_CODE.fullmatch(v) is not None),
        "null or a string of 6 or 9 digits",
    ),
    "district_parents": (lambda v: isinstance(v, list) and all(isinstance(p, str) for p in v), "a list of strings"),
}
FIELD_OWNER = {field: label for label, fields in NORMALISATION_FIELDS.items() for field in fields}


class _Collector:
    """Problems of one record, all carrying its id."""

    def __init__(self, record_id: str | None) -> None:
        self.record_id = record_id
        self.problems: list[Problem] = []

    def add(
        self, message: str, span: tuple[Any, Any, str | None] | None = None, kind: str = "span", warning: bool = False
    ) -> None:
        self.problems.append(
            Problem(
                record_id=self.record_id, span=span, kind=kind, message=message,
                severity="warning" if warning else "error",
            )
        )


Item = tuple[int, int, str, dict[str, Any]]


def validate_record(record: Any, tokens: Tokens | None = None) -> list[Problem]:
    """Every problem of one record (without file and line).

    ``tokens`` is the tokenized text (a Doc, or ``(start, end)`` character
    offsets of each token); when given, entity spans that do not fall on token
    boundaries are reported as warnings.
    """
    if not isinstance(record, dict):
        return [Problem(message=f"record must be a JSON object, got {type(record).__name__}")]
    record_id = record.get("id") if isinstance(record.get("id"), str) else None
    out = _Collector(record_id)
    for key, typ in {**RECORD_KEYS, **OPTIONAL_RECORD_KEYS}.items():
        if key not in record:
            if key in RECORD_KEYS:
                out.add(f"missing key {key!r}")
        elif not _type_ok(record[key], (typ,)):
            out.add(f"{key!r} must be {_type_names((typ,))}, got {type(record[key]).__name__}")
    if record_id is not None and not record_id.strip():
        out.add("'id' must not be empty")
    if isinstance(record.get("meta"), dict):
        _check_meta(record["meta"], out)
    _check_unicode(record, out)
    text = record.get("text")
    if not isinstance(text, str):
        return out.problems
    spans = _check_items(record.get("spans"), text, "span", ENTITY_LABELS, out)
    sentences = _check_items(record.get("sentences"), text, "sentence", SENTENCE_CLASSES, out)
    for item in spans:
        _check_normalisation(item, out)
    _check_overlaps(spans, "span", out)
    _check_links(spans, out)
    _check_overlaps(sentences, "sentence", out)
    if isinstance(record.get("sentences"), list):
        _check_coverage(text, sentences, out)
        _check_spans_in_sentences(spans, sentences, out)
    if tokens is not None:
        _check_alignment(text, spans, _token_offsets(tokens), out)
    return out.problems


def _check_unicode(record: dict[str, Any], out: _Collector) -> None:
    """Lone surrogates (JSON can spell them: ``"\\ud800"``) are not text: spaCy, files
    and JSON writers all refuse them, so they are errors here, not crashes later."""
    for where, value in _strings(record):
        bad = LONE_SURROGATE.search(value)
        if bad:
            span = (bad.start(), bad.start() + 1, None) if where == "text" else None
            out.add(f"{where} has a lone surrogate {bad.group()!r} at character {bad.start()}: not valid Unicode",
                    span, "text")


def _strings(record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every string in ``record`` (keys too) with where it is (``spans[2].label``); iterative,
    since a record may nest as deep as the JSON parser allows."""
    stack: list[tuple[str, Any]] = [("", record)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            yield where or "record", value
        elif isinstance(value, dict):
            stack.extend((f"{where} key", key) for key in value)
            stack.extend((f"{where}.{key}" if where else str(key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{where}[{n}]", item) for n, item in enumerate(value))


def _check_meta(meta: dict[str, Any], out: _Collector) -> None:
    for key, types in META_KEYS.items():
        if key not in meta:
            out.add(f"meta: missing key {key!r}")
        elif not _type_ok(meta[key], types):
            out.add(f"meta: {key!r} must be {_type_names(types)}, got {type(meta[key]).__name__}")


def _check_items(items: Any, text: str, kind: str, labels: tuple[str, ...], out: _Collector) -> list[Item]:
    """Check spans or sentences one by one; return those with usable offsets."""
    good: list[Item] = []
    if not isinstance(items, list):
        return good
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            out.add(f"{kind} #{n} must be an object, got {type(item).__name__}")
            continue
        start, end, label = item.get("start"), item.get("end"), item.get("label")
        where = (start, end, label if isinstance(label, str) else None)
        missing = [key for key in ("start", "end", "label") if key not in item]
        if missing:
            out.add(f"missing {', '.join(map(repr, missing))}", where, kind)
            continue
        if not isinstance(label, str) or label not in labels:
            out.add(f"unknown label {label!r}; expected one of {', '.join(labels)}", where, kind)
        if not (_is_int(start) and _is_int(end)):
            out.add("start and end must be integers", where, kind)
            continue
        if not 0 <= start < end <= len(text):
            out.add(f"offsets out of range: need 0 <= start < end <= {len(text)}", where, kind)
            continue
        if text[start].isspace():
            out.add("starts on whitespace", where, kind)
        if text[end - 1].isspace():
            out.add("ends on whitespace", where, kind)
        good.append((start, end, label, item))
    return good


def _check_normalisation(item: Item, out: _Collector) -> None:
    start, end, label, span = item
    if not isinstance(label, str):  # already reported as an unknown label
        return
    for field in NORMALISATION_FIELDS.get(label, ()):
        check, expected = FIELD_CHECKS[field]
        if field not in span:
            out.add(f"{label} needs {field!r} ({expected})", (start, end, label))
        elif not check(span[field]):
            out.add(f"{field!r} must be {expected}, got {span[field]!r}", (start, end, label))
    for field, owner in FIELD_OWNER.items():
        if field in span and owner != label and label in NORMALISATION_FIELDS:
            out.add(f"{field!r} belongs on {owner} spans, not {label}", (start, end, label), warning=True)


def _check_links(spans: list[Item], out: _Collector) -> None:
    """A NUMBER's optional fact link ``"measure": {"start", "end"}`` (or null) must name a MEASURE span."""
    measures = {(start, end) for start, end, label, _ in spans if label == "MEASURE"}
    for start, end, label, span in spans:
        if "measure" not in span:
            continue
        link = span["measure"]
        if label != "NUMBER":
            out.add("'measure' links belong on NUMBER spans", (start, end, label))
        elif link is None:
            continue
        elif not (isinstance(link, dict) and _is_int(link.get("start")) and _is_int(link.get("end"))):
            out.add(f"'measure' must be null or {{\"start\": int, \"end\": int}}, got {link!r}", (start, end, label))
        elif (link["start"], link["end"]) not in measures:
            out.add(
                f"'measure' link {link['start']}-{link['end']} is not a MEASURE span of this record",
                (start, end, label),
            )


def _check_overlaps(items: list[Item], kind: str, out: _Collector) -> None:
    previous: Item | None = None
    for item in sorted(items, key=lambda i: (i[0], i[1])):
        if previous is not None and item[0] < previous[1]:
            out.add(f"overlaps {kind} {previous[0]}-{previous[1]} {previous[2]}", item[:3], kind)
        if previous is None or item[1] > previous[1]:
            previous = item


def _check_coverage(text: str, sentences: list[Item], out: _Collector) -> None:
    """Report runs of non-whitespace characters that no sentence covers."""
    covered = bytearray(len(text))
    for start, end, _, _ in sentences:
        covered[start:end] = b"\x01" * (end - start)
    run: list[int] = []  # [first, last] uncovered non-whitespace index of the current run
    for i, char in enumerate(text):
        if covered[i] or char.isspace():
            if covered[i] and run:
                _report_uncovered(text, run, out)
                run = []
            continue
        run = [run[0], i] if run else [i, i]
    if run:
        _report_uncovered(text, run, out)


def _report_uncovered(text: str, run: list[int], out: _Collector) -> None:
    start, end = run[0], run[1] + 1
    out.add(f"not covered by any sentence: {_excerpt(text[start:end])!r}", (start, end, None), "text")


def _check_spans_in_sentences(spans: list[Item], sentences: list[Item], out: _Collector) -> None:
    ordered = sorted(sentences, key=lambda s: s[0])
    starts = [s[0] for s in ordered]
    for start, end, label, _ in spans:
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and start < ordered[i][1] < end:
            out.add(f"crosses the end of sentence {ordered[i][0]}-{ordered[i][1]}", (start, end, label), warning=True)


def _token_offsets(tokens: Tokens) -> list[tuple[int, int]]:
    if isinstance(tokens, Doc):
        return [(t.idx, t.idx + len(t.text)) for t in tokens]
    return list(tokens)


def _check_alignment(text: str, spans: list[Item], tokens: list[tuple[int, int]], out: _Collector) -> None:
    starts = {s for s, _ in tokens}
    ends = {e for _, e in tokens}
    for start, end, label, _ in spans:
        if start in starts and end in ends:
            continue
        inside = [i for i, (s, e) in enumerate(tokens) if e > start and s < end]
        shown = tokens[max(inside[0] - 1, 0) : inside[-1] + 2] if inside else []
        around = "|".join(_excerpt(text[s:e]) for s, e in shown)
        out.add(
            f"{text[start:end]!r} does not fall on token boundaries (tokens: {around})",
            (start, end, label),
            warning=True,
        )


def _excerpt(text: str, limit: int = 30) -> str:
    shown = text.replace("\n", "⏎").replace("\r", "")
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def check_files(paths: Iterable[str | Path], nlp: Any | None = None) -> tuple[int, list[Problem]]:
    """``(number of records read, problems)`` for JSONL files; see :func:`validate_files`."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    total = 0
    for path in paths:
        name = str(path)
        in_file = bad = 0
        try:
            for line_no, item in scan_records(path):
                if isinstance(item, AnnotationFileError):
                    problems.append(Problem(file=name, line=line_no, message=item.reason))
                    bad += 1
                    if bad >= MAX_BAD_LINES and not in_file:
                        problems.append(Problem(file=name, message="giving up: this does not look like a JSONL file"))
                        break
                    continue
                in_file += 1
                text = item.get("text")
                tokenizable = nlp is not None and isinstance(text, str) and not LONE_SURROGATE.search(text)
                tokens = nlp.make_doc(text) if tokenizable else None
                found = validate_record(item, tokens)
                record_id = item.get("id")
                if isinstance(record_id, str):
                    if record_id in seen:
                        found.append(Problem(record_id=record_id, message=f"duplicate id, first at {seen[record_id]}"))
                    else:
                        seen[record_id] = f"{name}:{line_no}"
                problems.extend(replace(p, file=name, line=line_no) for p in found)
        except AnnotationFileError as err:
            problems.append(Problem(file=name, line=err.line, message=err.reason))
        if not in_file and not bad and Path(path).is_file():
            problems.append(Problem(file=name, message="no records", severity="warning"))
        total += in_file
    return total, problems


def validate_files(paths: Iterable[str | Path], nlp: Any | None = None) -> list[Problem]:
    """Problems of every record in the files, plus duplicate ids across them.

    With ``nlp``, each text is tokenized with ``nlp.make_doc`` and misaligned
    entity spans are reported as warnings.
    """
    return check_files(paths, nlp)[1]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="annotation JSONL files")
    parser.add_argument("--no-tokens", action="store_true", help="skip the token alignment check (no model needed)")
    parser.add_argument("--model", metavar="PATH", help="pipeline whose tokens spans must fit (default: shipped)")


def run(args: argparse.Namespace) -> int:
    """The ``validate`` command: print problems and a summary; 1 if any error, 2 if the model is missing."""
    nlp = None
    if not args.no_tokens:
        try:
            nlp = load(args.model)
        except ModelError as err:
            print(f"lawreport: {err}", file=sys.stderr)
            return 2
    count, problems = check_files(args.files, nlp)
    for problem in problems:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    print(f"{count} records, {errors} errors, {len(problems) - errors} warnings")
    return 1 if errors else 0


Handler = Callable[[argparse.Namespace], int]


def subcommand(
    subparsers: Any, name: str, help_text: str, doc: str | None,
    add_args: Callable[[argparse.ArgumentParser], None], handler: Handler,
) -> argparse.ArgumentParser:
    """Add one ``lawreport NAME`` subcommand (shared by validate and convert)."""
    parser = subparsers.add_parser(name, help=help_text, description=doc)
    add_args(parser)
    parser.set_defaults(func=handler)
    return parser


def standalone(
    argv: list[str] | None, name: str, doc: str | None,
    add_args: Callable[[argparse.ArgumentParser], None], handler: Handler,
) -> int:
    """Run one subcommand without the main parser (tests, ``python -m``)."""
    parser = argparse.ArgumentParser(prog=f"lawreport {name}", description=doc)
    add_args(parser)
    return handler(parser.parse_args(argv))


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``lawreport validate`` to the main parser's subcommands."""
    return subcommand(subparsers, "validate", "check annotation JSONL files", __doc__, add_arguments, run)


def main(argv: list[str] | None = None) -> int:
    """``lawreport validate`` on its own (``python -m lawreport.annotation.validate``)."""
    return standalone(argv, "validate", __doc__, add_arguments, run)


if __name__ == "__main__":
    raise SystemExit(main())
