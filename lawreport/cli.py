"""The ``lawreport`` command line."""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .annotation import convert as annotation_convert
from .annotation import suggest as annotation_suggest
from .annotation import validate as annotation_validate
from .annotation.jsonl import atomic_open
from .batch import FACT_COLUMNS, SENTENCE_COLUMNS, BatchErrors, fact_rows, iter_docs, sentence_rows
from .pipeline import ModelError, load
from .readers import iter_report_files


def write_table(rows: Iterator[dict[str, Any]], columns: tuple[str, ...], out: Path | None) -> int:
    """Stream rows to stdout (JSON lines), OUT.csv, OUT.jsonl or OUT.parquet; returns the row count.

    Files are written atomically: a run that fails or is interrupted leaves an earlier OUT as it was.
    """
    if out is None:
        return _write_rows(rows, columns, sys.stdout, as_csv=False)
    if out.suffix == ".parquet":
        return _write_parquet(rows, columns, out)
    if out.suffix not in (".csv", ".jsonl"):
        raise SystemExit(f"lawreport: unsupported output {out}; use .csv, .jsonl or .parquet")
    as_csv = out.suffix == ".csv"
    with atomic_open(out, encoding="utf-8-sig" if as_csv else "utf-8", newline="") as handle:
        return _write_rows(rows, columns, handle, as_csv)


def _write_rows(rows: Iterator[dict[str, Any]], columns: tuple[str, ...], handle: IO[str], as_csv: bool) -> int:
    writer = csv.DictWriter(handle, fieldnames=list(columns)) if as_csv else None
    if writer:
        writer.writeheader()
    count = 0
    for row in rows:
        if writer:
            writer.writerow(row)
        else:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _check_parquet_engine() -> None:
    """pandas needs pyarrow or fastparquet to write .parquet: say so before any report is processed."""
    if not any(importlib.util.find_spec(engine) for engine in ("pyarrow", "fastparquet")):
        raise SystemExit("lawreport: writing .parquet needs pyarrow (pip install pyarrow)")


def _write_parquet(rows: Iterator[dict[str, Any]], columns: tuple[str, ...], out: Path) -> int:
    _check_parquet_engine()
    import pandas as pd

    with atomic_open(out, "wb") as handle:  # opened first: a missing folder fails before any report is read
        frame = pd.DataFrame(list(rows), columns=list(columns))
        frame.to_parquet(handle, index=False)
    return len(frame)


def cmd_extract(args: argparse.Namespace) -> int:
    try:
        nlp = load(args.model)
    except ModelError as err:
        print(f"lawreport: {err}", file=sys.stderr)
        return 2
    if args.output and Path(args.output).suffix == ".parquet":
        _check_parquet_engine()
    files = iter_report_files(args.paths)
    errors = BatchErrors()
    rows_of, columns = (sentence_rows, SENTENCE_COLUMNS) if args.sentences else (fact_rows, FACT_COLUMNS)
    docs = iter_docs(files, nlp=nlp, n_process=args.n_process, errors=errors, progress=not args.quiet and None)
    reports = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal reports
        for source, doc in docs:
            reports += 1
            yield from rows_of(doc, source)

    try:
        written = write_table(rows(), columns, Path(args.output) if args.output else None)
    except OSError as err:
        print(f"lawreport: cannot write {args.output}: {err}", file=sys.stderr)
        return 2
    for source, reason in errors.failures:
        print(f"lawreport: failed {source}: {reason}", file=sys.stderr)
    what = "sentences" if args.sentences else "facts"
    print(
        f"lawreport: {len(files)} files, {reports} reports processed, {written} {what}, {len(errors)} failures",
        file=sys.stderr,
    )
    return 1 if files and len(errors) == len(files) else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .annotation.jsonl import AnnotationFileError
    from .evaluation import Scores, evaluate
    from .training.data import load_records

    if not _annotations_valid(args.data):
        return 2
    try:
        nlp = load(args.model)
        records = load_records(args.data)
    except (ModelError, AnnotationFileError, OSError) as err:
        print(f"lawreport: {err}", file=sys.stderr)
        return 2
    scores: Scores = evaluate(nlp, records)
    if args.json:
        print(json.dumps(scores.as_dict(), ensure_ascii=False, indent=1))
    else:
        print(f"{len(records)} reports from {', '.join(args.data)}; model {args.model or 'default'}")
        print(scores.table())
    return 0


def _annotations_valid(paths: list[str], shown: int = 20) -> bool:
    """Print the errors of annotation files (as ``lawreport validate``); scores on broken records would mislead."""
    errors = [p for p in annotation_validate.validate_files(paths) if p.severity == "error"]
    for problem in errors[:shown]:
        print(problem, file=sys.stderr)
    if errors:
        print(f"lawreport: {len(errors)} errors in the annotation files; nothing evaluated", file=sys.stderr)
    return not errors


def cmd_train(args: argparse.Namespace) -> int:
    from .annotation.jsonl import AnnotationFileError
    from .training.train import parse_overrides, save_pipeline, train_pipeline

    output = Path(args.output)
    if output.exists() and not args.overwrite:
        print(f"lawreport: {output} exists; pass --overwrite to replace it", file=sys.stderr)
        return 2
    mix = None if args.mix is None else [] if [m.lower() for m in args.mix] == ["none"] else args.mix
    try:
        overrides = parse_overrides(args.set)
        if args.seed is not None:
            overrides["training.seed"] = args.seed
        nlp, scores = train_pipeline(
            args.data, base=args.base, mix=mix, config_path=args.config, overrides=overrides, epochs=args.epochs,
            log=lambda line: print(line, file=sys.stderr), progress=False if args.quiet else None,
        )
        save_pipeline(nlp, output, overwrite=args.overwrite)
    except (ModelError, AnnotationFileError, OSError, ValueError) as err:
        print(f"lawreport: {err}", file=sys.stderr)
        return 2
    print(f"wrote {output}")
    for group, table in scores.items():
        print(f"scores on the {group} (trained on, not held out; benchmarks/cross_validate.py has honest figures)")
        print(table.table())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lawreport", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    extract = sub.add_parser("extract", help="process report files or folders into a table")
    extract.add_argument("paths", nargs="+", help="report files or folders (searched recursively)")
    extract.add_argument("-o", "--output", help="OUT.csv, OUT.jsonl or OUT.parquet (default: JSON lines on stdout)")
    extract.add_argument("--model", help="pipeline directory (default: the shipped one)")
    extract.add_argument("--sentences", action="store_true", help="one row per classified sentence, not per fact")
    extract.add_argument("-j", "--n-process", type=int, default=1, help="worker processes (default 1)")
    extract.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    extract.set_defaults(func=cmd_extract)
    evaluate = sub.add_parser("evaluate", help="score a pipeline against annotation JSONL files")
    evaluate.add_argument("data", nargs="+", help="annotation JSONL files")
    evaluate.add_argument("--model", help="pipeline directory (default: the shipped one)")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.set_defaults(func=cmd_evaluate)
    train = sub.add_parser("train", help="train the entity and sentence models from annotation JSONL files")
    train.add_argument("data", nargs="+", help="annotation JSONL files")
    train.add_argument("-o", "--output", required=True, help="directory to write the pipeline to")
    train.add_argument("--seed", type=int, help="random seed (default: the config's)")
    train.add_argument("--epochs", type=int, help="ner epochs (default: the config's, [finetune]'s with --base)")
    train.add_argument("--base", metavar="PATH",
                       help="pipeline to fine-tune ('default': the shipped one); without it the ner and sentence "
                            "classifier are trained from scratch on the shipped tokenizer and rules")
    train.add_argument("--mix", nargs="+", metavar="PATH",
                       help="with --base: original annotation files mixed with DATA so the model does not forget "
                            "(default: training_data/seeds.jsonl and synthetic.jsonl of the checkout; 'none': nothing)")
    train.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="override a config value, e.g. --set training.max_epochs=20 (repeatable)")
    train.add_argument("--config", help="training config (default: lawreport/training/config.cfg)")
    train.add_argument("--overwrite", action="store_true", help="replace an existing output directory")
    train.add_argument("-q", "--quiet", action="store_true", help="no progress bar (epoch losses are logged instead)")
    train.set_defaults(func=cmd_train)
    annotation_validate.register(sub)
    annotation_convert.register(sub)
    annotation_suggest.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
