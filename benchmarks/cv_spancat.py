"""MEASURE by spaCy ``spancat`` against the shipped ``ner``, cross-validated by report.

    python benchmarks/cv_spancat.py training_data/seeds.jsonl training_data/synthetic.jsonl \
        [--folds 5] [--jobs 2] [--epochs N] [--out benchmarks/results/cv_spancat.json]
    python benchmarks/cv_spancat.py training_data/seeds.jsonl training_data/synthetic.jsonl --speed

Issue 4 asks for ``ner`` or ``spancat``, chosen by cross-validation.  Each
fold trains both on the same training reports (the ner with the shipped
recipe of lawreport/training/config.cfg; the spancat with the same
embedding, seed, epochs and batches, n-gram suggester of 1-12 tokens, which
covers 98% of gold MEASUREs), predicts the held-out reports, and lets
``lawreport_entities`` merge each model's MEASUREs with the rules exactly
as in the shipped pipeline.  spancat's spans may overlap; the highest
scoring wins, as a MEASURE must not overlap another.  ``--speed`` instead
trains both on all the data and prints each one's microseconds per character
on the reports of training_data/raw/ (best of three passes).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402
from spacy.training import Example  # noqa: E402
from spacy.util import compounding, fix_random_seed, minibatch  # noqa: E402
from throughput import best_seconds  # noqa: E402  (benchmarks/ is this script's folder)

from lawreport.evaluation import Scores, doc_entities  # noqa: E402
from lawreport.ner_pieces import bound_ner  # noqa: E402
from lawreport.training.data import load_records, report_folds, sentence_docs  # noqa: E402
from lawreport.training.ner import add_entity_components, train_ner, training_config  # noqa: E402
from lawreport.training.train import skeleton  # noqa: E402

SPANS_KEY = "measures"
MAX_NGRAM = 12


def spancat_config(config: Any) -> dict[str, Any]:
    """A spancat with the ner's embedding, so the comparison is about the decoder."""
    tok2vec = dict(config["components"]["ner"]["model"]["tok2vec"])
    return {
        "spans_key": SPANS_KEY,
        "threshold": 0.5,
        "suggester": {"@misc": "spacy.ngram_suggester.v1", "sizes": list(range(1, MAX_NGRAM + 1))},
        "model": {
            "@architectures": "spacy.SpanCategorizer.v1",
            "tok2vec": tok2vec,
            "reducer": {"@layers": "spacy.mean_max_reducer.v1", "hidden_size": 128},
            "scorer": {"@layers": "spacy.LinearLogistic.v1", "nO": None, "nI": None},
        },
    }


@Language.component("measures_to_ents")
def measures_to_ents(doc: Doc) -> Doc:
    """spancat's MEASUREs as non-overlapping ``doc.ents``, highest score first."""
    group = doc.spans.get(SPANS_KEY)
    if group is None:
        return doc
    scores = group.attrs.get("scores")
    order = sorted(range(len(group)), key=lambda i: -float(numpy.max(scores[i])) if scores is not None else 0)
    taken = [False] * len(doc)
    chosen: list[Span] = []
    for i in order:
        span = group[i]
        if not any(taken[span.start : span.end]):
            taken[span.start : span.end] = [True] * len(span)
            chosen.append(Span(doc, span.start, span.end, label="MEASURE"))
    doc.set_ents(sorted(chosen, key=lambda s: s.start), default="outside")
    return doc


def spancat_examples(nlp: Language, records: list[dict[str, Any]]) -> list[Example]:
    examples = []
    for record in records:
        for gold, _ in sentence_docs(nlp, record):
            reference = gold.copy()
            reference.spans[SPANS_KEY] = [e for e in reference.ents if e.label_ == "MEASURE"]
            examples.append(Example(nlp.make_doc(gold.text), reference))
    return examples


def train_spancat(nlp: Language, records: list[dict[str, Any]], config: Any) -> None:
    """Same seed, epochs, batches and learn rate as the ner recipe."""
    settings = config["training"]
    fix_random_seed(settings["seed"])
    examples = spancat_examples(nlp, records)
    spancat = nlp.get_pipe("spancat")
    spancat.add_label("MEASURE")
    spancat.initialize(lambda: examples, nlp=nlp)
    optimizer = nlp.create_optimizer()
    optimizer.learn_rate = settings["learn_rate"]
    rng = random.Random(settings["seed"])
    for _ in range(settings["max_epochs"]):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=compounding(8.0, float(settings["batch_size"]), 1.001)):
            spancat.update(batch, sgd=optimizer, drop=settings["dropout"], losses={})


def run_fold(job: tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    train, test, overrides = job
    config = training_config(overrides=overrides)
    out: dict[str, Any] = {"reports": [r["id"] for r in test], "predictions": {}, "seconds": {}}
    for model in ("ner", "spancat"):
        started = time.time()
        nlp = skeleton(None)
        if model == "ner":
            add_entity_components(nlp, config)
            train_ner(nlp, train, config)
        else:
            nlp.add_pipe("spancat", config=spancat_config(config))
            nlp.add_pipe("measures_to_ents")
            nlp.add_pipe("lawreport_entities", config={"sources": {"MEASURE": "model"}})
            train_spancat(nlp, train, config)
        out["seconds"][model] = round(time.time() - started)
        out["predictions"][model] = [doc_entities(doc) for doc in nlp.pipe(r["text"] for r in test)]
    return out


def speed(records: list[dict[str, Any]], repeat: int = 3) -> dict[str, float]:
    """Microseconds per character of the trained ``ner`` and ``spancat`` pipes on the raw reports."""
    config = training_config()
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "training_data" / "raw").rglob("*.txt"))]
    chars = sum(map(len, texts))
    costs: dict[str, float] = {}
    for model in ("ner", "spancat"):
        nlp = skeleton(None)
        if model == "ner":
            add_entity_components(nlp, config)
            train_ner(nlp, records, config)
            bound_ner(nlp)  # as lawreport.load() runs it: the vectorised decoder
        else:
            nlp.add_pipe("spancat", config=spancat_config(config))
            train_spancat(nlp, records, config)
        before = nlp.pipe_names[: nlp.pipe_names.index(model)]
        with nlp.select_pipes(enable=before):
            docs = list(nlp.pipe(texts))
        costs[model] = best_seconds(nlp.get_pipe(model), docs, repeat) / chars * 1e6
    return costs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="+")
    parser.add_argument("--folds", type=int, default=5, help="report groups (default 5)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=None, help="override training.max_epochs")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "cv_spancat.json")
    parser.add_argument("--speed", action="store_true", help="time both models instead of cross-validating")
    args = parser.parse_args(argv)
    records = load_records(args.data)
    if args.speed:
        for model, cost in speed(records).items():
            print(f"{model:<8} {cost:6.1f} µs/char")
        return
    by_id = {r["id"]: r for r in records}
    overrides = {"training.max_epochs": args.epochs} if args.epochs else {}
    folds = report_folds(records, args.folds)
    jobs = [([records[i] for i in tr], [records[i] for i in te], overrides) for tr, te in folds]
    scores: dict[str, Scores] = {}
    seconds: dict[str, int] = {}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for n, result in enumerate(pool.map(run_fold, jobs), 1):
            for model, predictions in result["predictions"].items():
                seconds[model] = seconds.get(model, 0) + result["seconds"][model]
                for report_id, predicted in zip(result["reports"], predictions, strict=True):
                    part = "synthetic" if by_id[report_id]["meta"].get("synthetic") else "real"
                    for key in (f"{model}/{part}", f"{model}/all"):
                        scores.setdefault(key, Scores()).add_entities(by_id[report_id]["spans"], predicted)
            print(f"fold {n}/{len(jobs)} done {result['seconds']}", file=sys.stderr)
    summary: dict[str, Any] = {}
    print(f"{'model/reports':<20}{'exact P':>9}{'exact R':>9}{'exact F1':>10}{'overlap F1':>12}")
    for key, s in sorted(scores.items()):
        tally = s.entities["MEASURE"]
        exact, overlap = tally.scores("exact"), tally.scores("overlap")
        summary[key] = {"gold": tally.gold, "exact": exact, "overlap": overlap}
        print(f"{key:<20}{exact[0]:>9.3f}{exact[1]:>9.3f}{exact[2]:>10.3f}{overlap[2]:>12.3f}")
    summary["_meta"] = {"folds": len(jobs), "training_seconds": seconds, "data": args.data, "overrides": overrides}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
