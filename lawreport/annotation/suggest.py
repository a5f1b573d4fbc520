"""Pick the sentences the model is least sure of, pre-annotated, for an annotator to correct.

    lawreport suggest reports/ -n 200 -o tasks.jsonl [--format jsonl|prodigy|labelstudio] [--model PATH]

Every sentence of every report is scored for uncertainty, from three signals
(each 0 = sure, 1 = undecided):

- sentence class: ``1 - (p1 - p2)``, the margin between the two most probable
  classes of ``sent._.category_scores``;
- model entities: for the labels the pipeline takes from the ``ner`` (MEASURE
  by default), the ner's beam over the sentence gives each candidate span a
  probability ``p``; the sentence scores the largest ``1 - |2p - 1|`` (1 for a
  span half the parses have, 0 when all agree);
- rule disagreement: for the labels taken from the rules (NUMBER, UNIT,
  DISTRICT), the share of spans the rules and the ner (its spans with
  ``p >= 0.5``) do not both have: where the two disagree, one of them is wrong.

``uncertainty = 0.4 class + 0.4 model entities + 0.2 rule disagreement``: the
first two are where the statistical models learn from corrections; the rules
are near-exact (docs/evaluation.md), so their disagreement with the ner
weighs less.  Sentences with the same characters (boilerplate repeated across
reports) are kept once; the ``n`` most uncertain are written, most uncertain
first.

A task is a record of our annotation JSONL whose text is the one sentence, so
it passes ``lawreport validate`` (sentences cover the text) and goes back
into ``lawreport train``: entities with their normalisation and the sentence
class as the pipeline predicted them, ``excerpt`` (the report file, the
sentence's offsets there and its context: section, heading, position, which
training uses in place of the report around it) and ``uncertainty`` (the
score and its parts).  ``--format prodigy`` and ``labelstudio`` are the
exporters of ``lawreport convert`` (Label Studio gets the pipeline's output
as ``predictions`` with ``score = 1 - uncertainty``); ``lawreport convert``
brings the corrected files back to JSONL.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..batch import BatchErrors, iter_docs
from ..entities import rule_spans
from ..pipeline import ModelError, load
from ..readers import iter_report_files
from ..sentence_classes import ContextLookup, doc_context
from .convert import ent_to_span, to_labelstudio, write_file
from .jsonl import atomic_open
from .validate import standalone, subcommand

#: Weight of each uncertainty signal in the ranking score.
WEIGHTS = {"sentence_class": 0.4, "model_entities": 0.4, "rule_disagreement": 0.2}
BEAM_WIDTH = 8
FORMATS = ("jsonl", "prodigy", "labelstudio")

Record = dict[str, Any]
CharSpan = tuple[int, int, str]


@dataclass(frozen=True)
class Suggestion:
    """One candidate sentence: its ranking score and its task record."""

    uncertainty: float
    record: Record


def class_uncertainty(scores: dict[str, float] | None) -> float:
    """``1 - (p1 - p2)`` over the class probabilities (0 without any)."""
    ranked = [*sorted((scores or {}).values(), reverse=True), 0.0, 0.0]
    return 1.0 - (ranked[0] - ranked[1]) if scores else 0.0


def split_uncertainty(probabilities: Iterable[float]) -> float:
    """The largest ``1 - |2p - 1|``: how evenly the beam is split on its least certain span."""
    return max((1.0 - abs(2.0 * p - 1.0) for p in probabilities), default=0.0)


def disagreement(first: set[CharSpan], second: set[CharSpan]) -> float:
    """Share of the spans that only one side has (0 when both agree or both have none)."""
    union = first | second
    return len(first ^ second) / len(union) if union else 0.0


def trimmed(sent: Span, text: str) -> tuple[int, int]:
    """The sentence's offsets without surrounding whitespace (records never start or end on it)."""
    inner = text[sent.start_char : sent.end_char]
    start = sent.start_char + len(inner) - len(inner.lstrip())
    return start, sent.start_char + len(inner.rstrip())


def beam_spans(nlp: Language, sents: Sequence[Span], width: int) -> list[dict[CharSpan, float]]:
    """Per sentence, each span the ner's beam considers, in doc character offsets, with its probability.

    The beam runs on each sentence alone, as the ner was trained (per sentence),
    so the parses differ where the model hesitates rather than only at the end
    of a long document.
    """
    if "ner" not in nlp.pipe_names or not sents:
        return [{} for _ in sents]
    ner = nlp.get_pipe("ner")
    docs = [Doc(nlp.vocab, words=[t.text for t in s], spaces=[bool(t.whitespace_) for t in s]) for s in sents]
    scored = ner.scored_ents(ner.beam_parse(docs, beam_width=width))
    return [
        {(sent.start_char + doc[s:e].start_char, sent.start_char + doc[s:e].end_char, label): p
         for (s, e, label), p in found.items()}
        for sent, doc, found in zip(sents, docs, scored, strict=True)
    ]


def entity_sources(nlp: Language) -> tuple[set[str], set[str]]:
    """Labels the pipeline takes from the ner and from the rules (``lawreport_entities`` config)."""
    if "lawreport_entities" not in nlp.pipe_names:
        return set(), set()
    sources = nlp.get_pipe("lawreport_entities").sources
    return ({label for label, s in sources.items() if s in ("model", "both")},
            {label for label, s in sources.items() if s in ("rules", "both")})


def uncertainty_parts(
    sent: Span,
    bounds: tuple[int, int],
    beam: dict[CharSpan, float],
    rules: set[CharSpan],
    labels: tuple[set[str], set[str]],
) -> dict[str, float]:
    """The three signals of one sentence (see the module docstring)."""
    model_labels, rule_labels = labels
    inside = {s for s in rules if bounds[0] <= s[0] and s[1] <= bounds[1]}
    ner_rule_spans = {s for s, p in beam.items() if s[2] in rule_labels and p >= 0.5}
    return {
        "sentence_class": class_uncertainty(sent._.category_scores),
        "model_entities": split_uncertainty(p for s, p in beam.items() if s[2] in model_labels),
        "rule_disagreement": disagreement(inside, ner_rule_spans),
    }


def sentence_record(doc: Doc, sent: Span, bounds: tuple[int, int], where: dict[str, Any]) -> Record:
    """The task record of one sentence: its text, the pipeline's entities and class, where it came from."""
    start, end = bounds
    report = doc._.report or {}
    return {
        "id": f"{where['report_id']}@{start}-{end}",
        "text": where["text"][start:end],
        "meta": {"source": where["source"], "district": report.get("district"), "year": report.get("year"),
                 "body": report.get("body"), "synthetic": False},
        "spans": [ent_to_span(e, start) for e in doc.ents if start <= e.start_char and e.end_char <= end],
        "sentences": [{"start": 0, "end": end - start, "label": sent._.category or "OTHER"}],
        "excerpt": {"source": where["source"], "start": start, "end": end,
                    "context": doc_context(doc, start, end, where["lookup"])},
    }


def score_doc(nlp: Language, doc: Doc, source: str, report_id: str, beam_width: int = BEAM_WIDTH) -> list[Suggestion]:
    """Every non-empty sentence of ``doc`` as a scored suggestion."""
    text = doc.text
    sents = [s for s in doc.sents if s.text.strip()]
    labels = entity_sources(nlp)
    rules = set(rule_spans(doc, nlp.get_pipe("lawreport_entities").gazetteer)) if labels[1] else set()
    rules = {s for s in rules if s[2] in labels[1]}
    where = {"report_id": report_id, "source": source, "text": text, "lookup": ContextLookup(doc)}
    out = []
    for sent, beam in zip(sents, beam_spans(nlp, sents, beam_width), strict=True):
        bounds = trimmed(sent, text)
        parts = uncertainty_parts(sent, bounds, beam, rules, labels)
        score = sum(WEIGHTS[k] * v for k, v in parts.items())
        record = sentence_record(doc, sent, bounds, where)
        record["uncertainty"] = {"score": round(score, 4), **{k: round(v, 4) for k, v in parts.items()}}
        out.append(Suggestion(score, record))
    return out


def rank(suggestions: Iterable[Suggestion], n: int) -> list[Suggestion]:
    """The ``n`` most uncertain, most uncertain first; a sentence met again (same characters) counts once."""
    ordered = sorted(suggestions, key=lambda s: (-s.uncertainty, s.record["id"]))
    seen: set[str] = set()
    chosen: list[Suggestion] = []
    for suggestion in ordered:
        if len(chosen) >= n:
            break
        key = "".join(suggestion.record["text"].split())
        if key not in seen:
            seen.add(key)
            chosen.append(suggestion)
    return chosen


def report_ids(sources: Iterable[str]) -> dict[str, str]:
    """A short unique id per file: its stem, numbered when two files share one."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for source in sources:
        stem = candidate = Path(source).stem
        number = 1
        while candidate in used:
            number += 1
            candidate = f"{stem}-{number}"
        used.add(candidate)
        ids[source] = candidate
    return ids


def suggest(
    paths: Iterable[str | Path],
    n: int,
    *,
    nlp: Language | None = None,
    beam_width: int = BEAM_WIDTH,
    errors: BatchErrors | None = None,
    progress: bool | None = None,
) -> tuple[list[Suggestion], int]:
    """The ``n`` most uncertain sentences of the reports under ``paths``, and how many were scored."""
    nlp = nlp or load()
    files = iter_report_files(paths)
    ids = report_ids(map(str, files))
    scored: list[Suggestion] = []
    for source, doc in iter_docs(files, nlp=nlp, errors=errors, progress=progress):
        scored.extend(score_doc(nlp, doc, source, ids.get(source, Path(source).stem), beam_width))
    return rank(scored, n), len(scored)


def write_tasks(path: str | Path, records: list[Record], fmt: str, model_version: str = "lawreport") -> None:
    """Write tasks as our JSONL or with ``lawreport convert``'s exporters (replaced atomically)."""
    if fmt != "labelstudio":
        write_file(path, records, fmt)
        return
    tasks = to_labelstudio(records)
    for task, record in zip(tasks, records, strict=True):
        # model output is a prediction in Label Studio, to accept or correct, not a finished annotation
        result = task.pop("annotations")[0]["result"]
        confidence = round(1.0 - record["uncertainty"]["score"], 4)
        task["predictions"] = [{"model_version": model_version, "score": confidence, "result": result}]
    with atomic_open(path) as handle:
        json.dump(tasks, handle, ensure_ascii=False, indent=1)


def positive(value: str) -> int:
    """An argparse type: an integer of at least 1."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="report files or folders (searched recursively)")
    parser.add_argument("-n", type=positive, default=200, help="how many sentences to suggest (default 200)")
    parser.add_argument("-o", "--output", required=True, help="tasks file to write (replaced atomically)")
    parser.add_argument("--format", choices=FORMATS, default="jsonl",
                        help="jsonl (ours, default), prodigy (JSONL) or labelstudio (JSON)")
    parser.add_argument("--model", metavar="PATH", help="pipeline to pre-annotate with (default: the shipped one)")
    parser.add_argument("--beam-width", type=positive, default=BEAM_WIDTH, help="ner beam for span probabilities")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    """The ``suggest`` command: score, rank, write; 2 when the model is missing, 1 when no report was read."""
    errors = BatchErrors()
    try:
        nlp = load(args.model)
        chosen, scored = suggest(args.paths, args.n, nlp=nlp, beam_width=args.beam_width, errors=errors,
                                 progress=False if args.quiet else None)
    except ModelError as err:
        print(f"lawreport: {err}", file=sys.stderr)
        return 2
    for source, reason in errors.failures:
        print(f"lawreport: failed {source}: {reason}", file=sys.stderr)
    if not scored:
        print("lawreport: no sentences to suggest (no readable reports)", file=sys.stderr)
        return 1
    records = [s.record for s in chosen]
    try:
        write_tasks(args.output, records, args.format, f"{nlp.meta.get('name')}-{nlp.meta.get('version')}")
    except OSError as err:
        print(f"lawreport: cannot write {args.output}: {err}", file=sys.stderr)
        return 1
    spread = f"uncertainty {chosen[0].uncertainty:.3f} to {chosen[-1].uncertainty:.3f}" if chosen else "none"
    print(f"lawreport: {scored} sentences scored, {len(records)} tasks ({spread}) -> {args.output} [{args.format}]",
          file=sys.stderr)
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``lawreport suggest`` to the main parser's subcommands."""
    return subcommand(subparsers, "suggest", "pick uncertain sentences, pre-annotated, for correction", __doc__,
                      add_arguments, run)


def main(argv: list[str] | None = None) -> int:
    """``lawreport suggest`` on its own (``python -m lawreport.annotation.suggest``)."""
    return standalone(argv, "suggest", __doc__, add_arguments, run)


if __name__ == "__main__":
    raise SystemExit(main())
