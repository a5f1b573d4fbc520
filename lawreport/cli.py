"""The ``lawreport`` command line."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .annotation import convert as annotation_convert
from .annotation import validate as annotation_validate
from .pipeline import ModelError, load
from .readers import ReadError, iter_report_files, read_text

SENTENCE_COLUMNS = (
    "file", "report_year", "report_district", "section_type", "heading", "start", "end", "sentence",
)


def sentence_rows(doc: Any, source: str) -> Iterator[dict[str, Any]]:
    """One row per sentence with its report and section context."""
    report = doc._.report or {}
    for sent in doc.sents:
        text = sent.text.strip()
        if not text:
            continue
        yield {
            "file": source,
            "report_year": report.get("year"),
            "report_district": report.get("district"),
            "section_type": sent._.section_type,
            "heading": sent._.heading,
            "start": sent.start_char,
            "end": sent.start_char + len(sent.text.rstrip()),
            "sentence": text,
        }


def write_rows(rows: list[dict[str, Any]], out: Path | None) -> None:
    if out is None:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    elif out.suffix == ".csv":
        with out.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=SENTENCE_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    elif out.suffix == ".jsonl":
        with out.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        raise SystemExit(f"lawreport: unsupported output {out}; use .csv or .jsonl")


def cmd_extract(args: argparse.Namespace) -> int:
    try:
        nlp = load(args.model)
    except ModelError as err:
        print(f"lawreport: {err}", file=sys.stderr)
        return 2
    files = iter_report_files(args.paths)
    rows: list[dict[str, Any]] = []
    failures: list[str] = []
    for path in files:
        try:
            doc = nlp(read_text(path))
        except (ReadError, OSError) as err:
            failures.append(f"{path}: {err}")
            continue
        rows.extend(sentence_rows(doc, str(path)))
    write_rows(rows, Path(args.output) if args.output else None)
    for failure in failures:
        print(f"lawreport: skipped {failure}", file=sys.stderr)
    print(f"lawreport: {len(files)} files, {len(rows)} sentences, {len(failures)} failures", file=sys.stderr)
    return 1 if failures and len(failures) == len(files) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lawreport", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    extract = sub.add_parser("extract", help="process report files or folders into a table")
    extract.add_argument("paths", nargs="+", help="report files or folders (searched recursively)")
    extract.add_argument("-o", "--output", help="OUT.csv or OUT.jsonl (default: JSON lines on stdout)")
    extract.add_argument("--model", help="pipeline directory (default: the shipped one)")
    extract.set_defaults(func=cmd_extract)
    annotation_validate.register(sub)
    annotation_convert.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
