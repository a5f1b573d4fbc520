"""Annotation records to training examples and cross-validation folds.

Everything a model learns comes through here, so the cross-validation and
the shipped model see the data the same way.  Examples are cut per gold
sentence (short docs train faster and shuffle better than whole reports);
the tokens are those of the pipeline's own tokenizer.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from ..annotation.jsonl import read_records

Record = dict[str, Any]


def load_records(paths: Iterable[str | Path]) -> list[Record]:
    """All records of the JSONL files, in order (errors name file and line)."""
    records: list[Record] = []
    for path in paths:
        records.extend(record for _, record in read_records(path))
    return records


def sentence_docs(nlp: Language, record: Record) -> Iterator[tuple[Doc, dict[str, Any]]]:
    """Each gold sentence of ``record`` as a tokenised doc with its gold entities set.

    Yields ``(doc, sentence)``; the doc's ``user_data["offset"]`` is the
    sentence start in the report, so predictions map back to report offsets.
    """
    text = record["text"]
    spans = sorted(record.get("spans", []), key=lambda s: s["start"])
    for sentence in record.get("sentences", []):
        start, end = sentence["start"], sentence["end"]
        doc = nlp.make_doc(text[start:end])
        doc.user_data["offset"] = start
        ents: list[Span] = []
        for span in spans:
            if start <= span["start"] and span["end"] <= end:
                ent = doc.char_span(span["start"] - start, span["end"] - start, label=span["label"])
                if ent is None:
                    ent = doc.char_span(
                        span["start"] - start, span["end"] - start, label=span["label"], alignment_mode="expand"
                    )
                if ent is not None and not any(e.start < ent.end and ent.start < e.end for e in ents):
                    ents.append(ent)
        doc.set_ents(ents, default="outside")
        yield doc, sentence


def ner_examples(nlp: Language, records: Iterable[Record], labels: Iterable[str] | None = None) -> list[Example]:
    """NER training examples (one per sentence) restricted to ``labels``."""
    keep = set(labels) if labels is not None else None
    examples = []
    for record in records:
        for gold, _ in sentence_docs(nlp, record):
            reference = gold.copy()
            if keep is not None:
                reference.set_ents([e for e in gold.ents if e.label_ in keep], default="outside")
            predicted = nlp.make_doc(gold.text)
            examples.append(Example(predicted, reference))
    return examples


def report_folds(records: list[Record], folds: int | None = None, seed: int = 0) -> list[tuple[list[int], list[int]]]:
    """Train/test index lists by report: leave-one-report-out, or ``folds`` groups.

    Real and synthetic reports are spread over the groups alike.
    """
    indices = list(range(len(records)))
    if folds is None or folds >= len(records):
        return [([j for j in indices if j != i], [i]) for i in indices]
    order = sorted(indices, key=lambda i: (records[i].get("meta", {}).get("synthetic", False), records[i]["id"]))
    random.Random(seed).shuffle(order)
    order.sort(key=lambda i: records[i].get("meta", {}).get("synthetic", False))
    groups: list[list[int]] = [[] for _ in range(folds)]
    for n, i in enumerate(order):
        groups[n % folds].append(i)
    return [([j for j in indices if j not in set(g)], sorted(g)) for g in groups]
