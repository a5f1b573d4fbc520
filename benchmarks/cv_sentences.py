"""Leave-one-report-out comparison of sentence classifiers.

    python benchmarks/cv_sentences.py training_data/seeds.jsonl training_data/synthetic.jsonl \
        [--textcat] [--textcat-folds 5] [--out benchmarks/results/cv_sentences.json]

Compared, each trained on the other reports only and scored on the held-out
report's gold sentences:

- ``sections``: the section rules alone (achievements -> ACHIEVEMENT …, headings OTHER);
- ``linear``: the shipped component, logistic regression on character n-grams
  plus section, heading, cue and position features;
- ``linear-no-context``: the same model on the sentence alone (a pasted passage);
- ``textcat-bow`` / ``textcat-ensemble`` (with ``--textcat``): spaCy's textcat
  on the sentence with its section type prepended; slower, so on
  ``--textcat-folds`` report groups.

Real and synthetic reports are scored apart.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lawreport  # noqa: E402
from lawreport.evaluation import Scores  # noqa: E402
from lawreport.extensions import SENTENCE_CLASSES  # noqa: E402
from lawreport.sentence_classes import SentenceClassifier  # noqa: E402
from lawreport.training.data import load_records, report_folds  # noqa: E402
from lawreport.training.ner import training_config  # noqa: E402
from lawreport.training.sentences import classifier_scores, fit_classifier, gold_rows, section_baseline  # noqa: E402

TEXTCAT_ARCHS = {
    "textcat-bow": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
                    "no_output_layer": False, "length": 262144, "nO": None},
    "textcat-ensemble": {
        "@architectures": "spacy.TextCatEnsemble.v2", "nO": None,
        "tok2vec": {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 64, "depth": 2,
                    "embed_size": 2000, "window_size": 1, "maxout_pieces": 3, "subword_features": True},
        "linear_model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
                         "no_output_layer": False, "length": 262144, "nO": None},
    },
}


def as_predictions(rows: list[dict[str, Any]], labels: list[str], probabilities: list[dict[str, float]] | None = None):
    """Gold-sentence-aligned predictions in the shape Scores.add_sentences takes."""
    out = []
    for i, label in enumerate(labels):
        out.append({"start": i, "end": i + 1, "label": label, "scores": probabilities[i] if probabilities else None})
    return out


def gold(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"start": i, "end": i + 1, "label": r["label"]} for i, r in enumerate(rows)]


def textcat_predict(nlp_blank: Any, arch: dict[str, Any], train: list[dict], test: list[dict], seed: int):
    """Train a spaCy textcat on section-prefixed sentences; probabilities for ``test``."""
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    nlp = nlp_blank
    if "textcat" in nlp.pipe_names:
        nlp.remove_pipe("textcat")
    textcat = nlp.add_pipe("textcat", config={"model": arch})

    def text(row: dict[str, Any]) -> str:
        return f"{row['context']['section_type'] or 'NONE'} {row['text']}"

    examples = []
    for row in train:
        doc = nlp.make_doc(text(row))
        examples.append(Example.from_dict(doc, {"cats": {c: float(c == row["label"]) for c in SENTENCE_CLASSES}}))
    textcat.initialize(lambda: examples, nlp=nlp)
    optimizer = nlp.create_optimizer()
    rng = random.Random(seed)
    for _ in range(8):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=32):
            textcat.update(batch, sgd=optimizer, drop=0.2)
    docs = list(textcat.pipe(nlp.make_doc(text(r)) for r in test))
    return [dict(d.cats) for d in docs]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="+")
    parser.add_argument("--textcat", action="store_true", help="also compare spaCy textcat (slower)")
    parser.add_argument("--textcat-folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "cv_sentences.json")
    args = parser.parse_args(argv)
    seed = training_config()["training"]["seed"]
    records = load_records(args.data)
    nlp = lawreport.load()
    started = time.time()
    rows = [gold_rows(nlp, [r]) for r in records]
    scores: dict[tuple[str, str], Scores] = {}

    def add(method: str, index: int, labels: list[str], probabilities: list[dict[str, float]] | None) -> None:
        part = "synthetic" if records[index]["meta"].get("synthetic") else "real"
        for key in ((method, part), (method, "all")):
            scores.setdefault(key, Scores()).add_sentences(
                gold(rows[index]), as_predictions(rows[index], labels, probabilities)
            )

    for train_idx, test_idx in report_folds(records):
        train_rows = [row for i in train_idx for row in rows[i]]
        classifier = SentenceClassifier(nlp, "cv")
        fit_classifier(classifier, train_rows, seed=seed)
        for i in test_idx:
            add("sections", i, [section_baseline(r["context"]) for r in rows[i]], None)
            for method, context in (("linear", True), ("linear-no-context", False)):
                matrix = classifier_scores(classifier, rows[i], context=context)
                probabilities = [dict(zip(classifier.classes, map(float, p), strict=True)) for p in matrix]
                add(method, i, [max(p, key=p.get) for p in probabilities], probabilities)
    if args.textcat:
        blank = lawreport.load()
        for name in list(blank.pipe_names):
            blank.remove_pipe(name)
        for method, arch in TEXTCAT_ARCHS.items():
            for train_idx, test_idx in report_folds(records, args.textcat_folds, seed):
                train_rows = [row for i in train_idx for row in rows[i]]
                for i in test_idx:
                    probabilities = textcat_predict(blank, arch, train_rows, rows[i], seed)
                    add(method, i, [max(p, key=p.get) for p in probabilities], probabilities)
                print(f"{method}: fold done", file=sys.stderr)
    summary: dict[str, Any] = {f"{m}/{p}": s.as_dict()["sentences"] | {"macro_f1": s.macro_f1()}
                               for (m, p), s in sorted(scores.items())}
    summary["_meta"] = {"reports": len(records), "seconds": round(time.time() - started), "data": args.data}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    for (method, part), s in sorted(scores.items()):
        print(f"\n== {method}, {part} reports ==")
        print("\n".join(s.table().splitlines()[10:]))
    print(f"\nwritten {args.out}")


if __name__ == "__main__":
    main()
