"""From files and folders of reports to tables: facts and classified sentences.

    >>> import lawreport
    >>> facts = lawreport.extract("reports/")          # pandas DataFrame, one row per fact
    >>> sents = lawreport.sentences("reports/")        # one row per sentence

Files are read lazily and streamed through ``nlp.pipe`` (``n_process`` for
several cores), so memory stays flat in the number of reports; a file that
cannot be read or processed is recorded in ``errors`` and never stops the
batch.  A progress bar (tqdm) shows on batches of more than one file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .pipeline import load
from .readers import ReadError, iter_report_files, printable, read

FACT_COLUMNS = (
    "file", "report_title", "report_year", "report_district", "report_district_code",
    "district", "district_code", "year", "section_type", "category", "measure", "value", "qualifier",
    "unit", "unit_category", "sentence", "start", "end",
)
SENTENCE_COLUMNS = (
    "file", "report_title", "report_year", "report_district", "section_type", "heading", "category",
    "score", "start", "end", "sentence",
)


@dataclass
class BatchErrors:
    """Files that failed, with the reason, in the order met."""

    failures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, source: str, reason: str) -> None:
        self.failures.append((source, reason))

    def __len__(self) -> int:
        return len(self.failures)


def _report_columns(doc: Doc, source: str) -> dict[str, Any]:
    report = doc._.report or {}
    return {
        "file": source,
        "report_title": report.get("title"),
        "report_year": report.get("year"),
        "report_district": report.get("district"),
        "report_district_code": report.get("district_code"),
    }


def fact_rows(doc: Doc, source: str) -> Iterator[dict[str, Any]]:
    """One row per fact of ``doc`` (``doc._.facts``) with the report's columns."""
    base = _report_columns(doc, source)
    for fact in doc._.facts or []:
        row = {**base, **{k: v for k, v in fact.items() if k in FACT_COLUMNS}}
        yield {column: row.get(column) for column in FACT_COLUMNS}


def sentence_rows(doc: Doc, source: str) -> Iterator[dict[str, Any]]:
    """One row per non-empty sentence with its class, section and heading."""
    base = _report_columns(doc, source)
    for sent in doc.sents:
        text = sent.text.strip()
        if not text:
            continue
        scores = sent._.category_scores or {}
        yield {
            **{k: base[k] for k in ("file", "report_title", "report_year", "report_district")},
            "section_type": sent._.section_type,
            "heading": sent._.heading,
            "category": sent._.category,
            "score": scores.get(sent._.category) if sent._.category else None,
            "start": sent.start_char,
            "end": sent.start_char + len(sent.text.rstrip()),
            "sentence": text,
        }


def iter_docs(
    paths: str | Path | Iterable[str | Path],
    *,
    nlp: Language | None = None,
    n_process: int = 1,
    batch_size: int = 4,
    progress: bool | None = None,
    errors: BatchErrors | None = None,
) -> Iterator[tuple[str, Doc]]:
    """``(source, doc)`` for every readable report under ``paths``, streamed."""
    nlp = nlp or load()
    files = iter_report_files([paths] if isinstance(paths, (str, Path)) else list(paths))
    errors = errors if errors is not None else BatchErrors()

    def texts() -> Iterator[tuple[str, str]]:
        for path in files:
            try:
                report = read(path)
            except Exception as err:  # one bad file never stops the batch; ReadError is the expected kind
                reason = str(err) if isinstance(err, ReadError) else f"{type(err).__name__}: {err}"
                errors.add(printable(str(path)), printable(reason))
                continue
            yield report.text, report.source

    bar = _progress(len(files), progress)
    try:
        stream = nlp.pipe(texts(), as_tuples=True, n_process=n_process, batch_size=batch_size)
        for doc, source in stream:
            if bar is not None:
                bar.update(1)
            yield source, doc
    finally:
        if bar is not None:
            bar.update(len(errors))
            bar.close()


def _progress(total: int, wanted: bool | None) -> Any:
    if not (wanted if wanted is not None else total > 1):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="report", desc="lawreport")


def _table(
    rows_of: Callable[[Doc, str], Iterator[dict[str, Any]]],
    columns: tuple[str, ...],
    paths: str | Path | Iterable[str | Path],
    **kwargs: Any,
) -> Any:
    import pandas as pd

    rows = [row for source, doc in iter_docs(paths, **kwargs) for row in rows_of(doc, source)]
    return pd.DataFrame(rows, columns=list(columns))


def extract(paths: str | Path | Iterable[str | Path], **kwargs: Any) -> Any:
    """A pandas DataFrame of the facts of every report under ``paths`` (files or folders).

    Keyword arguments go to :func:`iter_docs` (``nlp``, ``n_process``,
    ``batch_size``, ``progress``, ``errors``).
    """
    return _table(fact_rows, FACT_COLUMNS, paths, **kwargs)


def sentences(paths: str | Path | Iterable[str | Path], **kwargs: Any) -> Any:
    """A pandas DataFrame of the classified sentences of every report under ``paths``."""
    return _table(sentence_rows, SENTENCE_COLUMNS, paths, **kwargs)
