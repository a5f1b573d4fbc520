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
from .batch import FACT_COLUMNS, SENTENCE_COLUMNS, BatchErrors, fact_rows, iter_docs, sentence_rows
from .pipeline import ModelError, load
from .readers import iter_report_files


def write_table(rows: Iterator[dict[str, Any]], columns: tuple[str, ...], out: Path | None) -> int:
    """Stream rows to stdout (JSON lines), OUT.csv, OUT.jsonl or OUT.parquet; returns the row count."""
    count = 0
    if out is not None and out.suffix == ".parquet":
        import pandas as pd

        frame = pd.DataFrame(list(rows), columns=list(columns))
        try:
            frame.to_parquet(out, index=False)
        except ImportError as err:
            raise SystemExit(f"lawreport: writing .parquet needs pyarrow (pip install pyarrow): {err}") from err
        return len(frame)
    if out is not None and out.suffix not in (".csv", ".jsonl"):
        raise SystemExit(f"lawreport: unsupported output {out}; use .csv, .jsonl or .parquet")
    handle = out.open("w", encoding="utf-8-sig" if out.suffix == ".csv" else "utf-8", newline="") if out else sys.stdout
    try:
        writer = csv.DictWriter(handle, fieldnames=list(columns)) if out is not None and out.suffix == ".csv" else None
        if writer:
            writer.writeheader()
        for row in rows:
            if writer:
                writer.writerow(row)
            else:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    finally:
        if out is not None:
            handle.close()
    return count


def cmd_extract(args: argparse.Namespace) -> int:
    try:
        nlp = load(args.model)
    except ModelError as err:
        print(f"lawreport: {err}", file=sys.stderr)
        return 2
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

    written = write_table(rows(), columns, Path(args.output) if args.output else None)
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


def cmd_train(args: argparse.Namespace) -> int:
    from .annotation.jsonl import AnnotationFileError
    from .training.train import save_pipeline, train_pipeline

    output = Path(args.output)
    if output.exists() and not args.overwrite:
        print(f"lawreport: {output} exists; pass --overwrite to replace it", file=sys.stderr)
        return 2
    overrides: dict[str, Any] = {}
    if args.seed is not None:
        overrides["training.seed"] = args.seed
    if args.epochs is not None:
        overrides["training.max_epochs"] = args.epochs
    try:
        nlp, scores = train_pipeline(args.data, base=args.base, config_path=args.config, overrides=overrides,
                                     log=lambda line: print(line, file=sys.stderr))
    except (ModelError, AnnotationFileError, OSError, ValueError) as err:
        print(f"lawreport: {err}", file=sys.stderr)
        return 2
    save_pipeline(nlp, output, overwrite=args.overwrite)
    print(f"wrote {output}")
    print("scores on the training data (not held out; see benchmarks/cross_validate.py for honest figures)")
    print(scores.table())
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
    train.add_argument("--epochs", type=int, help="ner epochs (default: the config's)")
    train.add_argument("--base", help="pipeline whose tokenizer and rules to start from (default: the shipped one)")
    train.add_argument("--config", help="training config (default: lawreport/training/config.cfg)")
    train.add_argument("--overwrite", action="store_true", help="replace an existing output directory")
    train.set_defaults(func=cmd_train)
    annotation_validate.register(sub)
    annotation_convert.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
